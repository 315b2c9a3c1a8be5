import pytest


@pytest.fixture
def exporter(enterprise_factory):
    return enterprise_factory(roles=("owner", "ecommerce"), name="杭州云购跨境电商有限公司")


@pytest.fixture
def broker(enterprise_factory):
    return enterprise_factory(roles=("broker",), name="上海远航报关有限公司")


@pytest.fixture
def exporter_user(trader_factory, exporter):
    return trader_factory(exporter)


@pytest.fixture
def authorize(db):
    """An approved export authorization of ``agent`` by ``principal`` valid over ``valid_from..valid_to``."""
    import datetime as dt

    def create(*, principal, agent, scope="export", valid_from=None, valid_to=None, status="approved"):
        from authorization.models import Authorization

        today = dt.date.today()
        fields = {f.name for f in Authorization._meta.get_fields()}
        data = {
            "principal": principal,
            "agent": agent,
            "scope": scope,
            "valid_from": valid_from or today - dt.timedelta(days=30),
            "valid_to": valid_to or today + dt.timedelta(days=300),
            "initiated_by": "principal",
        }
        for side, party in (("principal", principal), ("agent", agent)):
            for suffix, value in (
                ("name", party.name),
                ("uscc", party.uscc),
                ("contact_name", party.contact_name),
                ("contact_phone", party.contact_phone),
                ("contact_email", party.contact_email),
            ):
                if f"{side}_{suffix}" in fields:
                    data[f"{side}_{suffix}"] = value
        authorization = Authorization(**data)
        authorization.__dict__["status"] = status
        authorization.save()
        return authorization

    return create
