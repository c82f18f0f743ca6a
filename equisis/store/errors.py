"""Errors of the company store, each naming the folder or file it is about."""
from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class CompanyNotFound(EquisisError):
    template = N_("There is no company “{slug}” in this instance.")
    status = 404


class CompanyExists(EquisisError):
    template = N_("A company “{slug}” already exists.")
    status = 409


class InvalidSlug(EquisisError):
    template = N_("“{value}” cannot name a company folder: use 2 to 40 lowercase letters, digits and dashes.")


class CompanyLocked(EquisisError):
    template = N_("The company folder {path} is in use by Equisis on host {host} (process {pid}) since {since}. "
                  "Stop that server first, or open a backup copy read-only.")
    status = 423


class CompanyUnavailable(EquisisError):
    template = N_("The company “{slug}” is being restored from a backup; try again in a minute.")
    status = 503


class NetworkFolderRefused(EquisisError):
    template = N_("The company folder {path} lies on a network share ({fstype}). SQLite cannot lock files safely "
                  "there: open it read-only, or copy it to a local disk.")
    status = 423


class DatabaseCorrupt(EquisisError):
    template = N_("The company database {path} is damaged ({detail}). It was left untouched: restore the last "
                  "backup, or ask support to examine the file.")
    status = 500


class DatabaseFromNewerVersion(EquisisError):
    template = N_("The company database {path} was written by a newer Equisis ({detail}). It was left untouched: "
                  "upgrade Equisis to open it.")
    status = 409


class ReadOnlyCompany(EquisisError):
    template = N_("This company is open read-only: nothing can be changed.")
    status = 403


class StorageFull(EquisisError):
    template = N_("The disk is full: nothing was saved. Free some space (old backups, documents) and try again.")
    status = 507


class PostedRowImmutable(EquisisError):
    template = N_("Posted and archived records ({what}) can no longer be changed or deleted; correct them with "
                  "a credit note or a reversal.")
    status = 409


class IdempotencyConflict(EquisisError):
    template = N_("This form was already submitted for something else; reload the page and try again.")
    status = 409


class NotInTransaction(Exception):
    """A bug: numbering must happen inside the posting transaction."""
