"""Replies on a cadence: SPOCs' replies to stage 2 customers, held and released on schedule."""
