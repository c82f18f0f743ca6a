"""Loyalty and sales periods on screen (back office): programme settings, stamp rules and rewards;
cards (list with balances, export; one card with its history); sales periods (list, create, edit).

Sales and accountants (and the admin) manage them. Each view parses its form into typed arguments
and calls one service function; a refusal comes back next to its field with a 4xx status.
"""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request, url_for
from peewee import JOIN, Case, fn

from equisis.catalog import rules as catalog_rules
from equisis.catalog import service as catalog
from equisis.core.errors import EquisisError, ValidationErrors
from equisis.core.i18n import N_, gettext
from equisis.core.money import parse_amount, to_cents
from equisis.catalog.errors import InvalidPartyReference
from equisis.parties.models import Party
from equisis.pos.loyalty import promotions, service
from equisis.pos.loyalty.models import LoyaltyCard, LoyaltyMove, PromotionPeriod, PromotionRule
from equisis.web import listing
from equisis.web.access import roles
from equisis.web.forms import done, field_errors, submit_once

bp = Blueprint("pos_loyalty", __name__)
PREFIX = "/c/<slug>/pos/loyalty"
MANAGE = ("sales", "accountant")
REWARD_KINDS = {"discount": N_("Discount"), "voucher": N_("Voucher"), "free_item": N_("Free item")}
MOVE_KINDS = {"earn": N_("Earned"), "redeem": N_("Redeemed"), "reverse": N_("Reversed (refund)")}


def _flag(name: str) -> bool:
    return request.form.get(name) in ("on", "1", "yes", "true")


def _cents(text: str, field: str, problems: list) -> int:
    if not (text or "").strip():
        return 0
    try:
        return to_cents(parse_amount(text, field=field))
    except EquisisError as exc:
        problems.append(exc)
        return 0


# --------------------------------------------------------------------------- programme settings

def _settings_page(*, errors=None, status: int = 200):
    settings = service.programme()
    return render_template("pos/loyalty/settings.html", settings=settings, stamp_rules=service.stamp_rules(),
                           rewards=service.rewards(), kinds=REWARD_KINDS, errors=errors or {},
                           families=catalog.families_tree(),
                           points_per_euro=f"{settings.points_per_euro_milli / 1000:g}"), status


@bp.route(f"{PREFIX}/settings", methods=["GET", "POST"])
@roles(*MANAGE)
def settings():
    if request.method == "POST":
        try:
            service.save_programme(active=_flag("active"),
                                   points_per_euro_milli=service.parse_points_rate(request.form.get("points_per_euro")))
        except EquisisError as exc:
            return _settings_page(errors=field_errors(exc), status=exc.status)
        return done(gettext("Loyalty programme saved."), "pos_loyalty.settings")
    return _settings_page()


@bp.post(f"{PREFIX}/settings/stamps")
@roles(*MANAGE)
def stamp_rule_add():
    form = request.form
    try:
        service.add_stamp_rule(item=form.get("item"), family=form.get("family"), stamps=form.get("stamps"))
    except EquisisError as exc:
        return _settings_page(errors=field_errors(exc), status=exc.status)
    return done(gettext("Loyalty programme saved."), "pos_loyalty.settings")


@bp.post(f"{PREFIX}/settings/stamps/<int:rule_id>/remove")
@roles(*MANAGE)
def stamp_rule_remove(rule_id: int):
    service.remove_stamp_rule(rule_id)
    return done(gettext("Loyalty programme saved."), "pos_loyalty.settings")


@bp.post(f"{PREFIX}/settings/rewards")
@roles(*MANAGE)
def reward_add():
    form = request.form
    problems: list = []
    value = _cents(form.get("value", ""), "value", problems)
    try:
        if problems:
            raise ValidationErrors(problems)
        submit_once("pos_loyalty.reward", lambda: service.add_reward(
            form.get("name", ""), form.get("kind", ""), cost_points=form.get("cost_points") or 0,
            cost_stamps=form.get("cost_stamps") or 0, value_cents=value, item=form.get("item")).id)
    except EquisisError as exc:
        return _settings_page(errors=field_errors(exc), status=exc.status)
    return done(gettext("Reward saved."), "pos_loyalty.settings")


@bp.post(f"{PREFIX}/settings/rewards/<int:reward_id>/active")
@roles(*MANAGE)
def reward_active(reward_id: int):
    service.set_reward_active(reward_id, _flag("active"))
    return done(gettext("Reward saved."), "pos_loyalty.settings")


# --------------------------------------------------------------------------- cards

def _points_sum(column):
    return fn.COALESCE(LoyaltyMove.select(fn.SUM(column)).where(LoyaltyMove.card == LoyaltyCard.id), 0)


def _cards_spec() -> listing.ListSpec:
    points, stamps = _points_sum(LoyaltyMove.points_count), _points_sum(LoyaltyMove.stamps_count)
    customer = fn.COALESCE(Party.name, "")

    def query():
        return (LoyaltyCard.select(LoyaltyCard, points.alias("points"), stamps.alias("stamps"),
                                   customer.alias("customer"))
                .join(Party, JOIN.LEFT_OUTER, on=(LoyaltyCard.party_id == Party.id)))

    return listing.ListSpec(
        name="loyalty_cards",
        query=query,
        columns=(
            listing.Column("code", "Card", LoyaltyCard.code),
            listing.Column("customer", "Customer", customer),
            listing.Column("party_id", "Customer number", LoyaltyCard.party_id, kind="number"),
            listing.Column("points", "Points", points, kind="number"),
            listing.Column("stamps", "Stamps", stamps, kind="number"),
            listing.Column("created_at", "Issued", LoyaltyCard.created_at, kind="datetime"),
            listing.Column("active", "Active", LoyaltyCard.active,
                           value=lambda c: gettext("yes") if c.active else gettext("no")),
        ),
        search=(LoyaltyCard.code, Party.name),
        filters=(listing.Filter("active", "Active", Case(None, [(LoyaltyCard.active == True, "yes")], "no"),  # noqa: E712
                                (("yes", N_("Active")), ("no", N_("Blocked")))),),
        default_sort="created_at",
        default_desc=True,
        row_link=lambda c: url_for("pos_loyalty.card_detail", card_id=c.id),
    )


@bp.get(f"{PREFIX}/")
@roles(*MANAGE)
def cards():
    return listing.respond(_cards_spec(), "pos/loyalty/cards.html", errors={}, values={})


@bp.post(f"{PREFIX}/")
@roles(*MANAGE)
def card_new():
    form = request.form
    party = (form.get("party_id") or "").strip()
    try:
        if not (party.isdigit() and len(party) < 19):
            raise InvalidPartyReference(party, field="party_id")
        ref, _created = submit_once("pos_loyalty.card",
                                    lambda: service.create_card(int(party), code=form.get("code") or None).id)
    except EquisisError as exc:
        return listing.respond(_cards_spec(), "pos/loyalty/cards.html", errors=field_errors(exc),
                               values=form), exc.status
    return done(gettext("Loyalty card issued."), "pos_loyalty.card_detail", card_id=int(ref))


def _card_page(card: LoyaltyCard, *, status: int = 200):
    party = Party.get_or_none(Party.id == card.party_id)
    return render_template("pos/loyalty/card.html", card=card, party=party, balance=service.balance(card.id),
                           moves=service.history(card.id)[:500], kinds=MOVE_KINDS,
                           rewards=service.rewards_available(card.id)), status


@bp.get(f"{PREFIX}/cards/<int:card_id>")
@roles(*MANAGE)
def card_detail(card_id: int):
    return _card_page(service.get_card(card_id))


@bp.post(f"{PREFIX}/cards/<int:card_id>/active")
@roles(*MANAGE)
def card_active(card_id: int):
    try:
        service.set_card_active(card_id, _flag("active"))
    except EquisisError as exc:
        flash(exc.message(), "error")
        return _card_page(service.get_card(card_id), status=exc.status)
    return done(gettext("Loyalty card saved."), "pos_loyalty.card_detail", card_id=card_id)


# --------------------------------------------------------------------------- sales periods

def _periods_spec() -> listing.ListSpec:
    rules_count = (fn.COALESCE(PromotionRule.select(fn.COUNT(PromotionRule.id))
                               .where(PromotionRule.period == PromotionPeriod.id), 0))
    return listing.ListSpec(
        name="sales_periods",
        query=lambda: PromotionPeriod.select(PromotionPeriod, rules_count.alias("rules_count")),
        columns=(
            listing.Column("name", "Name", PromotionPeriod.name),
            listing.Column("start_date", "From", PromotionPeriod.start_date, kind="date"),
            listing.Column("end_date", "Until", PromotionPeriod.end_date, kind="date"),
            listing.Column("rules_count", "Rules", rules_count, kind="number"),
            listing.Column("active", "Active", PromotionPeriod.active,
                           value=lambda p: gettext("yes") if p.active else gettext("no")),
        ),
        search=(PromotionPeriod.name,),
        filters=(listing.Filter("active", "Active", Case(None, [(PromotionPeriod.active == True, "yes")], "no"),  # noqa: E712
                                (("yes", N_("Active")), ("no", N_("Switched off")))),),
        default_sort="start_date",
        default_desc=True,
        row_link=lambda p: url_for("pos_loyalty.period_edit", period_id=p.id),
    )


@bp.get(f"{PREFIX}/periods/")
@roles(*MANAGE)
def periods():
    return listing.respond(_periods_spec(), "pos/loyalty/periods.html", errors={}, values={})


def _period_values() -> dict:
    form = request.form
    return {"name": form.get("name", ""), "start": form.get("start", ""), "end": form.get("end", ""),
            "active": _flag("active")}


@bp.post(f"{PREFIX}/periods/")
@roles(*MANAGE)
def period_new():
    values = _period_values()
    try:
        ref, _created = submit_once("pos_loyalty.period", lambda: promotions.create_period(
            values["name"], values["start"], values["end"], active=values["active"]).id)
    except EquisisError as exc:
        return listing.respond(_periods_spec(), "pos/loyalty/periods.html", errors=field_errors(exc),
                               values=request.form), exc.status
    return done(gettext("Sales period saved."), "pos_loyalty.period_edit", period_id=int(ref))


def _period_page(period: PromotionPeriod, *, errors=None, status: int = 200):
    return render_template("pos/loyalty/period.html", period=period, rules=promotions.rules_of(period),
                           errors=errors or {}, families=catalog.families_tree(),
                           price=catalog_rules.format_e4), status


@bp.route(f"{PREFIX}/periods/<int:period_id>", methods=["GET", "POST"])
@roles(*MANAGE)
def period_edit(period_id: int):
    period = promotions.find_period(period_id)
    if request.method == "POST":
        try:
            promotions.update_period(period.id, **_period_values())
        except EquisisError as exc:
            return _period_page(period, errors=field_errors(exc), status=exc.status)
        return done(gettext("Sales period saved."), "pos_loyalty.period_edit", period_id=period.id)
    return _period_page(period)


@bp.post(f"{PREFIX}/periods/<int:period_id>/rules")
@roles(*MANAGE)
def period_rule_add(period_id: int):
    period = promotions.find_period(period_id)
    form = request.form
    try:
        promotions.add_rule(period.id, item=form.get("item"), family=form.get("family"),
                            discount=form.get("discount"), sale_price=form.get("sale_price"))
    except EquisisError as exc:
        return _period_page(period, errors=field_errors(exc), status=exc.status)
    return done(gettext("Sales period saved."), "pos_loyalty.period_edit", period_id=period.id)


@bp.post(f"{PREFIX}/periods/<int:period_id>/rules/<int:rule_id>/remove")
@roles(*MANAGE)
def period_rule_remove(period_id: int, rule_id: int):
    promotions.remove_rule(period_id, rule_id)
    return done(gettext("Sales period saved."), "pos_loyalty.period_edit", period_id=period_id)

