"""Mail sources: one protocol (``base.MailSource``), one implementation per technology."""
