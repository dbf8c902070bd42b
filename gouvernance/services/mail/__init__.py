"""E-mail to members: calls, reminders, convocations and minutes, each with its PDF.

``settings`` reads the SMTP server from the environment (never from the database), ``transport``
speaks SMTP, ``compose`` writes each French message, ``recipients`` says who gets what, and
``outbox`` is what the shells call: preview (dry run), send, retry, history.
"""
