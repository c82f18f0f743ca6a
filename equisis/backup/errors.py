"""Errors of backups, restores, USB sticks and the accountant's copy; each names the file or folder it is about."""
from equisis.core.errors import EquisisError
from equisis.core.i18n import N_


class BackupDestinationFull(EquisisError):
    template = N_("There is not enough room in {path} for the backup. Nothing was left half-written and the "
                  "earlier backups there are intact: free some space or use a larger stick.")
    status = 507


class BackupWriteFailed(EquisisError):
    template = N_("The backup could not be written to {path} ({detail}). Nothing was left half-written and the "
                  "earlier backups there are intact. Was the stick removed?")
    status = 500


class BackupInProgress(EquisisError):
    template = N_("Another backup is being written to {path}; wait for it to finish.")
    status = 409


class BackupVerificationFailed(EquisisError):
    template = N_("The backup {archive} was written but failed its check ({detail}); it was removed. "
                  "The earlier backups are intact.")
    status = 500


class NotAnArchive(EquisisError):
    template = N_("{archive} is not an Equisis backup ({detail}).")
    status = 422


class ArchiveIncomplete(EquisisError):
    template = N_("The backup {archive} is incomplete: part {part} is missing.")
    status = 422


class ArchiveCorrupt(EquisisError):
    template = N_("The backup {archive} is damaged: the file {member} does not match its checksum. Nothing was "
                  "restored; use another backup.")
    status = 422


class ArchiveFromNewerVersion(EquisisError):
    template = N_("The backup {archive} was made by a newer Equisis ({version}: {detail}). Nothing was "
                  "restored: upgrade Equisis first.")
    status = 409


class ArchiveNotFound(EquisisError):
    template = N_("There is no backup “{name}” here.")
    status = 404


class RestoreCheckFailed(EquisisError):
    template = N_("The restored copy of {archive} failed its checks ({detail}). The company was left as it was.")
    status = 422


class RestoreNotConfirmed(EquisisError):
    template = N_("Type the company's short name “{slug}” to confirm: the current data will be replaced (a copy "
                  "is kept).")
    status = 400


class InvalidBackupSettings(EquisisError):
    template = N_("“{value}” is not valid here: {rule}.")


class NotRemovableMedia(EquisisError):
    template = N_("{path} is not a mounted removable drive.")
    status = 404


class NotAnEquisisStick(EquisisError):
    template = N_("The drive {device} is neither labelled EQUISIS nor initialised for Equisis; it was left "
                  "untouched.")
    status = 422


class MountFailed(EquisisError):
    template = N_("The drive {device} could not be mounted or unmounted ({detail}).")
    status = 500


class UploadMissing(EquisisError):
    template = N_("Choose a backup file to upload.")


class ArchiveOfAnotherCompany(EquisisError):
    template = N_("The backup {archive} holds the company “{archive_slug}”, not “{slug}”; it was not restored.")
    status = 409


class NotACompanyFolder(EquisisError):
    template = N_("{path} is neither a company folder (with company.db), an instance folder (with companies/) nor "
                  "an Equisis backup.")
    status = 404
