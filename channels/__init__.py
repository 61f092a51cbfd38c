"""Channel adapters: one package per platform (web chat, later LINE, Telegram).

Each adapter parses what its platform sends, hands citizen messages to the hub's
:class:`~channels.base.Inbox`, and delivers the hub's messages back. Adding a
channel means adding a package here and listing it in ``hub.app``.
"""
