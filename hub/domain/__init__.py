"""The hub's domain: plain Python, no web framework and no SQL.

The action server imports these modules too, so the same rules (phone numbers,
references, categories) apply on both sides of the internal ticket API.
"""
