"""The door between the gateway and Rasa: only the gateway may speak for a chat.

Rasa's REST channel believes any `sender` it is given, so anything that could reach Rasa could
act as any linked chat. The gateway signs every turn with a secret it shares with Rasa
(`signing`), and Rasa takes turns only through an input channel that checks the signature
(`channel`, Rasa environment only). `signing` uses the standard library alone: both Python
environments import it.
"""
