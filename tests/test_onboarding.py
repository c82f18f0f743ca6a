"""Creating a company through onboarding: the wizard's first-run guard, concurrent submits."""
import threading

import pytest

from equisis import onboarding
from equisis.company import rules
from equisis.company.errors import SetupAlreadyDone
from tests.factories import ADMIN_FORM, COMPANY_FORM


def _parsed(name="Déco Sophie SRL"):
    return rules.parse_company({**COMPANY_FORM, "name": name}), rules.parse_first_admin(ADMIN_FORM)


def test_the_first_run_wizard_refuses_once_a_company_exists(instance):
    onboarding.create_company(instance, *_parsed(), first_run=True)
    with pytest.raises(SetupAlreadyDone):
        onboarding.create_company(instance, *_parsed("Autre SRL"), first_run=True)
    assert instance.slugs() == ["deco-sophie-srl"]


def test_two_racing_wizards_create_one_company(instance):
    outcomes, start = [], threading.Barrier(2)

    def submit(name):
        start.wait()
        try:
            outcomes.append(onboarding.create_company(instance, *_parsed(name), first_run=True))
        except SetupAlreadyDone:
            outcomes.append("refused")

    threads = [threading.Thread(target=submit, args=(n,)) for n in ("Premier SRL", "Second SRL")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("refused") == 1 and len(instance.slugs()) == 1


def test_outside_the_wizard_several_companies_may_be_created(instance):
    onboarding.create_company(instance, *_parsed("Premier SRL"))
    onboarding.create_company(instance, *_parsed("Second SRL"))
    assert instance.slugs() == ["premier-srl", "second-srl"]
