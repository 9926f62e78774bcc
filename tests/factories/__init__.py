"""factory_boy factories for the whole suite."""

import factory
from django.contrib.auth.hashers import make_password

from coordination import services
from coordination.models import (
    FunctionalLine,
    LeadingGroupMember,
    LeadingGroupRole,
    Nameplate,
    OrgKind,
    OrgLevel,
    OrgUnit,
    Position,
    Role,
)
from portal.models import User, UserKind

PASSWORD = "Portal-test-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    kind = UserKind.CITIZEN
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class OfficialFactory(UserFactory):
    kind = UserKind.OFFICIAL


class AdminFactory(UserFactory):
    kind = UserKind.OFFICIAL
    is_staff = True
    is_superuser = True


class FunctionalLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FunctionalLine
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"line-{n}")
    name = factory.Sequence(lambda n: f"条线{n}")


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """Creates units through the service, so tree paths and the primary nameplate are right.

    Pass `parent=` to place it; without a parent it becomes a root.
    """

    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = OrgKind.DEPARTMENT
    level = OrgLevel.MUNICIPAL

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        return services.org_unit_create(actor=None, parent=parent, data=kwargs)


class NameplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nameplate

    unit = factory.SubFactory(OrgUnitFactory)
    name = factory.Sequence(lambda n: f"牌子{n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position
        skip_postgeneration_save = True

    user = factory.SubFactory(OfficialFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    title = "科员"

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(Role.objects.filter(code__in=extracted))


class LeadingGroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadingGroupMember

    group = factory.SubFactory(OrgUnitFactory, kind=OrgKind.LEADING_GROUP)
    role = LeadingGroupRole.MEMBER
    person_name = factory.Sequence(lambda n: f"成员{n}")
    represents = factory.SubFactory(OrgUnitFactory)


def staff(unit, role, username, full_name=None, **fields):
    """An official holding `role` (a RoleCode value) in `unit`: what drives permissions in the apps."""
    if full_name is not None:
        fields["full_name"] = full_name
    user = OfficialFactory(username=username, **fields)
    position = Position.objects.create(user=user, unit=unit, title=role)
    # Roles come from a data migration, which a transactional test elsewhere may have flushed.
    position.roles.add(Role.objects.get_or_create(code=role)[0])
    return user
