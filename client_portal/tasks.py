from tenants.tasking import tenant_task


@tenant_task
def email_sign_in_link(tenant, email: str) -> bool:
    """The portal sign-in email of ``email`` (in its client's language), if a client of the
    account has that address."""
    from client_portal.sign_in import email_sign_in_link_now

    return email_sign_in_link_now(email)


@tenant_task
def email_registration_link(tenant, details: dict) -> str:
    """The answer to a registration: a sign-in link to a client's address, else a link that
    confirms the address (client_portal/registration.py)."""
    from client_portal.registration import email_registration_link_now

    return email_registration_link_now(details)
