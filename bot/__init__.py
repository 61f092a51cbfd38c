"""Saphan's custom Rasa components."""
