"""Customs casework across the queues: who works a case (assignment, with its history), staff-only
notes on a case, the reviewers' dashboard, one search over the queues and lists, and the export
of any admin list. The admin-facing pieces other apps use are in ``casework.admin``."""
