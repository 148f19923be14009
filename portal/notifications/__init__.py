"""In-app notifications and their e-mail: created in the transaction of the event, mailed by `send-due`."""
