"""The agent console: sign-in, the JSON API, live updates and the page (docs/console-api.md)."""
