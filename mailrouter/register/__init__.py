"""The managed contact register: the system of record every diversion rests on.

Pure rules (``states``, ``measures``, ``policy_dates``) are kept apart from
storage (``service``, ``queries``, ``conflicts``, ``audit``) so each policy
rule can be tested on its own and the database code stays thin.
"""
