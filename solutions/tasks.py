from solutions import services
from tenants.tasking import tenant_task


@tenant_task
def run_installation(tenant, installation_pk: int) -> str:
    return services.run(installation_pk).status
