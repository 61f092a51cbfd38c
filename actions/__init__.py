"""Custom actions of the Saphan bot (rasa-sdk action server).

Actions never open the hub's database: tickets are filed and looked up through
the hub's internal API (:mod:`actions.hub_api`).
"""
