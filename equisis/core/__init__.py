"""Pure helpers shared by every package: money, dates, errors, i18n. No Flask, no peewee."""
