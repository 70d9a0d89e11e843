"""Connected accounts: creation, onboarding links and Connect OAuth."""

from __future__ import annotations

import secrets

from emulators.stripe.objects import build, new_id
from emulators.stripe.state.core import (
    ACCOUNT_LINK_TTL,
    OAUTH_CODE_TTL,
    AccountData,
    OAuthError,
    StripeError,
    _default_currency,
    missing,
)


class AccountsMixin:
    """The accounts connected to our platform, and how they get connected."""

    def create_account(self, params: dict, livemode: bool, *, onboarded: bool) -> dict:
        with self.lock:
            account = build(
                "account",
                id=new_id("account"),
                type=params.get("type", "standard"),
                country=params.get("country") or "US",
                email=params.get("email"),
                created=self.now(),
                default_currency=_default_currency(params.get("country") or "US"),
                business_profile={
                    "name": (params.get("business_profile") or {}).get("name"),
                    "url": (params.get("business_profile") or {}).get("url"),
                },
                metadata=params.get("metadata") or {},
                charges_enabled=onboarded,
                payouts_enabled=onboarded,
                details_submitted=onboarded,
                capabilities={},
                settings={
                    "dashboard": {
                        "display_name": (params.get("business_profile") or {}).get("name")
                        or params.get("email")
                    }
                },
            )
            account["_livemode"] = livemode
            self.accounts[account["id"]] = AccountData(account=account)
            self.save()
            return account

    def account_data(self, account_id: str | None) -> AccountData:
        if not account_id:
            raise StripeError(
                400, "This emulator serves connected accounts only: send the Stripe-Account header."
            )
        data = self.accounts.get(account_id)
        if data is None or not data.connected:
            raise StripeError(
                403,
                f"The provided key does not have access to account '{account_id}' (or that "
                "account does not exist). Application access may have been revoked.",
                type="invalid_request_error",
                code="account_invalid",
            )
        return data

    def public_account(self, account_id: str) -> dict:
        data = self.accounts.get(account_id)
        if data is None:
            raise missing("account", account_id)
        return data.account

    def complete_onboarding(self, account_id: str, business_name: str) -> dict:
        with self.lock:
            account = self.public_account(account_id)
            account.update(details_submitted=True, charges_enabled=True, payouts_enabled=True)
            account["business_profile"]["name"] = (
                business_name or account["business_profile"]["name"]
            )
            account["settings"]["dashboard"]["display_name"] = business_name
            self.emit(account_id, "account.updated", account)
            return account

    def create_account_link(self, params: dict) -> dict:
        account_id = params.get("account") or ""
        self.public_account(account_id)
        for name in ("refresh_url", "return_url"):
            if not str(params.get(name, "")).startswith(("http://", "https://")):
                raise StripeError(400, f"Invalid URL: {name} must be an absolute URL", param=name)
        token = secrets.token_urlsafe(16)
        expires = self.now() + ACCOUNT_LINK_TTL
        with self.lock:
            self.account_links[token] = {**params, "expires_at": expires}
        return build(
            "account_link",
            created=self.now(),
            expires_at=expires,
            url=f"{self.public_url}/setup/{account_id}/{token}",
        )

    # ---- OAuth ----------------------------------------------------------------------------
    def authorize(self, livemode: bool, business_name: str, email: str) -> str:
        account = self.create_account(
            {"type": "standard", "email": email, "business_profile": {"name": business_name}},
            livemode,
            onboarded=True,
        )
        return self.issue_code(account["id"], livemode)

    def issue_code(self, account_id: str, livemode: bool) -> str:
        code = "ac_" + secrets.token_urlsafe(24)
        with self.lock:
            self.oauth_codes[code] = {
                "account": account_id,
                "livemode": livemode,
                "expires_at": self.now() + OAUTH_CODE_TTL,
            }
        return code

    def exchange_code(self, code: str, livemode: bool) -> dict:
        with self.lock:
            grant = self.oauth_codes.pop(code, None)
            if grant is None or grant["expires_at"] < self.now():
                raise OAuthError("invalid_grant", f"Authorization code does not exist: {code}")
            if grant["livemode"] != livemode:
                raise OAuthError(
                    "invalid_grant",
                    "Authorization code provided does not match the mode of the API key used.",
                )
            data = self.accounts[grant["account"]]
            data.connected = True
            self.save()
            mode = "live" if livemode else "test"
            return {
                "access_token": f"sk_{mode}_" + secrets.token_urlsafe(24),
                "livemode": livemode,
                "refresh_token": "rt_" + secrets.token_urlsafe(24),
                "scope": "read_write",
                "stripe_publishable_key": f"pk_{mode}_" + secrets.token_urlsafe(24),
                "stripe_user_id": grant["account"],
                "token_type": "bearer",
            }

    def deauthorize(self, account_id: str) -> dict:
        with self.lock:
            data = self.accounts.get(account_id)
            if data is None or not data.connected:
                raise OAuthError("invalid_client", f"No such user: {account_id}")
            self.emit(
                account_id,
                "account.application.deauthorized",
                {"id": "ca_emulator", "object": "application", "name": "billing_saas"},
            )
            data.connected = False
            self.save()
            return {"stripe_user_id": account_id}
