"""Messages to people: what each kind of message says (compose), and the sender that delivers
what the outbox holds (delivery), by email or by text message (sms)."""
