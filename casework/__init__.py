"""Customs casework across the queues: who works a case (assignment, with its history), staff-only
notes on a case, the reviewers' dashboard, one search over the queues and lists, and the export
of any admin list.

For a new app's admin (returns, duties, contests…):

- ``class ReturnAdmin(QueueAdminMixin, admin.ModelAdmin)`` (customs_portal.admin_queues) already
  gives the list CSV/XLSX export (casework.admin.PortalAdminMixin) and the theme;
  ``class ReturnAdmin(CaseAdminMixin, QueueAdminMixin, admin.ModelAdmin)`` makes its rows cases:
  assignment, "assigned to" column and filter, internal notes on the change page.
- ``class ReturnHistoryInline(StatusHistoryInline): model = ReturnHistory`` for a readable history.
- ``casework.queues.register(Queue(...))`` puts the queue on the dashboard;
  ``casework.search.register(Kind(...))`` makes its numbers searchable.
- Labels nobody wrote (field ``asked_by``) are translated at start-up; run
  ``manage.py casework_labels`` and ``scripts/makemessages casework`` for a new model's fields
  (tests/casework/test_admin_chinese.py fails until they are translated).
"""
