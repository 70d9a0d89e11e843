from tenants.tasking import tenant_task


@tenant_task
def email_sign_in_link(tenant, email: str) -> bool:
    """The portal sign-in email of ``email`` (in its client's language), if a client of the
    account has that address."""
    from client_portal.sign_in import email_sign_in_link_now

    return email_sign_in_link_now(email)
