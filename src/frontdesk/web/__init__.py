"""The web channel: the chat REST API with server-sent events, the chat page, the embeddable widget and
the staff's explanation view."""
