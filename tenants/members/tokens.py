from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connection


class AccountPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """Password-reset tokens bound to the account's schema.

    User ids repeat from one account to the next; the schema in the hash keeps a token made
    for user 3 of one account from ever working for user 3 of another.
    """

    key_salt = "billing_saas.members.AccountPasswordResetTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{connection.schema_name}:{super()._make_hash_value(user, timestamp)}"


account_password_reset_token = AccountPasswordResetTokenGenerator()
