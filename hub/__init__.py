"""Saphan hub: the system of record and router of the contact centre.

Importing this package must stay cheap and dependency-free: the action server
(in the Rasa environment) imports ``hub.domain`` for the shared rules.
"""
