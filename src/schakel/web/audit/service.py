"""What other apps use of the audit trail: record a read or write, check the chain."""

from __future__ import annotations

from schakel.web.audit.actions import (
    Access,
    deferred_audit,
    do_record_access,
    do_record_accesses,
    do_record_account_event,
    do_record_denied,
    do_record_page_read,
    do_record_read,
)
from schakel.web.audit.chain import content_digest
from schakel.web.audit.selectors import ChainReport, register_covered_records, verify_chain
from schakel.web.audit.subjects import ObjectKey, SubjectSource, register_subject_source

__all__ = [
    "Access",  # one read or write to record: action, object, purpose, detail
    "ChainReport",  # what `verify_chain` found: entries checked, where the chain breaks
    "ObjectKey",  # (object_type, object_id) as the trail stores them
    "SubjectSource",  # how an app says which audited objects are about which person
    "content_digest",  # the hash of a record's content that an audit entry covers
    "deferred_audit",  # append a multi-step transaction's entries together at its end
    "do_record_access",  # record one access in the caller's transaction
    "do_record_accesses",  # record a batch of accesses in one append
    "do_record_account_event",  # a sign-in, sign-out, refused sign-in, password change
    "do_record_denied",  # record a refused request that had a stated purpose
    "do_record_page_read",  # one entry for a page of person-linked rows, listing them
    "do_record_read",  # record a read that has a stated purpose (nothing without one)
    "register_covered_records",  # tell verification how to hash an app's covered records
    "register_subject_source",  # from an app's ready(): lets the trail answer "who saw X?"
    "verify_chain",  # walk the hash chain and report the first entry that does not fit
]
