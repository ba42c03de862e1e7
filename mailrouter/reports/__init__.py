"""Reports for IG and managers: the quarterly governance report.

``quarter`` parses a quarter, ``facts`` reads the register into typed rows,
``governance`` computes the figures from those rows without I/O, ``tables``
turns the figures into titled tables, and ``render_csv``/``render_html`` write
them out.
"""
