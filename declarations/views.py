"""Trader pages: the goods register, the declaration lists and the clearance error log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from customs_portal.errors import ApplicationError
from customs_portal.permissions import EnterpriseMemberRequiredMixin

from . import selectors
from .forms import GoodsFilterForm, GoodsForm, InventoryFilterForm
from .models import Channel, InventoryStatus
from .services import goods as goods_services
from .transit import selectors as transit_selectors

PAGE_SIZE = 25


def _apply_service_error(form, exc: ApplicationError) -> None:
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, str(exc))
    else:
        form.add_error(None, str(exc))


class GoodsListView(EnterpriseMemberRequiredMixin, View):
    def get(self, request):
        filters = GoodsFilterForm(request.GET or None)
        status = query = ""
        if filters.is_valid():
            status = filters.cleaned_data["status"]
            query = filters.cleaned_data["q"]
        goods = goods_services.goods_list(enterprise=self.enterprise, status=status, query=query)
        page = Paginator(goods, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "declarations/goods_list.html", {"page_obj": page, "filters": filters})


class GoodsCreateView(EnterpriseMemberRequiredMixin, View):
    template_name = "declarations/goods_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": GoodsForm(), "goods": None})

    def post(self, request):
        form = GoodsForm(request.POST)
        if form.is_valid():
            try:
                goods = goods_services.goods_create(
                    enterprise=self.enterprise, actor=request.user, data=form.cleaned_data
                )
            except ApplicationError as exc:
                _apply_service_error(form, exc)
            else:
                messages.success(request, _("Goods registered: customs will review them."))
                return redirect("declarations:goods_detail", goods.pk)
        return render(request, self.template_name, {"form": form, "goods": None}, status=400)


class GoodsDetailView(EnterpriseMemberRequiredMixin, View):
    def get(self, request, pk):
        goods = goods_services.goods_get(enterprise=self.enterprise, pk=pk)
        history = goods.history.select_related("actor").all()
        return render(request, "declarations/goods_detail.html", {"goods": goods, "history": history})


class GoodsEditView(EnterpriseMemberRequiredMixin, View):
    template_name = "declarations/goods_form.html"

    def _locked(self, request, goods):
        messages.error(request, _("Approved goods cannot be changed: register a new item instead."))
        return redirect("declarations:goods_detail", goods.pk)

    def get(self, request, pk):
        goods = goods_services.goods_get(enterprise=self.enterprise, pk=pk)
        if not goods.is_editable:
            return self._locked(request, goods)
        return render(request, self.template_name, {"form": GoodsForm(instance=goods), "goods": goods})

    def post(self, request, pk):
        goods = goods_services.goods_get(enterprise=self.enterprise, pk=pk)
        if not goods.is_editable:
            return self._locked(request, goods)
        form = GoodsForm(request.POST, instance=goods)
        if form.is_valid():
            try:
                goods_services.goods_update(goods=goods, actor=request.user, data=form.cleaned_data)
            except ApplicationError as exc:
                _apply_service_error(form, exc)
            else:
                messages.success(request, _("Goods updated."))
                return redirect("declarations:goods_detail", goods.pk)
        return render(request, self.template_name, {"form": form, "goods": goods}, status=400)


def keyset_links(request, page, *, after="after", before="before"):
    """The query strings of the page's Previous (newer) and Next (older) links, filters kept."""
    for attr, name, cursor in (("previous_query", before, page.newer), ("next_query", after, page.older)):
        query = request.GET.copy()
        for key in (after, before, "page"):
            query.pop(key, None)
        if cursor is not None:
            query[name] = str(cursor)
        setattr(page, attr, query.urlencode())
    return page


def _labelled(rows, **fields):
    """Each row's choice labels, translated once per page rather than once per row."""
    labels = {name: {value: str(label) for value, label in choices} for name, choices in fields.items()}
    for row in rows:
        for name, by_value in labels.items():
            value = getattr(row, name)
            setattr(row, f"{name}_label", by_value.get(value, value))
    return rows


class InventoryListView(EnterpriseMemberRequiredMixin, View):
    FIELDS = (
        "pk",
        "invt_no",
        "cop_no",
        "order_no",
        "logistics_no",
        "status",
        "channel",
        "total_value",
        "received_at",
    )

    def get(self, request):
        filters = InventoryFilterForm(request.GET or None)
        criteria = {}
        if filters.is_valid():
            criteria = {k: v for k, v in filters.cleaned_data.items() if v}
        page = selectors.inventory_page(
            enterprise=self.enterprise,
            after=selectors.Cursor.parse(request.GET.get("after")),
            before=selectors.Cursor.parse(request.GET.get("before")),
            size=PAGE_SIZE,
            fields=self.FIELDS,
            **criteria,
        )
        _labelled(page.object_list, status=InventoryStatus.choices, channel=Channel.choices)
        transit_selectors.transit_attach(page.object_list)  # total package and arrival
        keyset_links(request, page)
        return render(request, "declarations/inventory_list.html", {"page_obj": page, "filters": filters})


def inventory_returns(*, inventory):
    from .returns.selectors import inventory_returns as returns_of

    return returns_of(inventory=inventory)


class InventoryDetailView(EnterpriseMemberRequiredMixin, View):
    def get(self, request, pk):
        inventory = selectors.inventory_get(enterprise=self.enterprise, pk=pk)
        return render(
            request,
            "declarations/inventory_detail.html",
            {
                "inventory": inventory,
                "lines": inventory.lines.all(),
                "history": inventory.history.all(),
                "cancel_requests": inventory.cancel_requests.all(),
                "returns": inventory_returns(inventory=inventory),
                "reasons": selectors.reasons_by_field(inventory.return_reasons),
                **transit_selectors.detail_context(inventory=inventory, enterprise=self.enterprise),
            },
        )


class ClearanceErrorsView(EnterpriseMemberRequiredMixin, View):
    """Returned or rejected lists, and the entries refused at intake, of this enterprise."""

    def get(self, request):
        returned = selectors.returned_inventory_page(
            enterprise=self.enterprise,
            after=selectors.Cursor.parse(request.GET.get("after")),
            before=selectors.Cursor.parse(request.GET.get("before")),
            size=PAGE_SIZE,
        )
        rejections = selectors.intake_rejection_page(
            enterprise=self.enterprise,
            after=selectors.Cursor.parse(request.GET.get("rafter")),
            before=selectors.Cursor.parse(request.GET.get("rbefore")),
            size=PAGE_SIZE,
        )
        _labelled(returned.object_list, status=InventoryStatus.choices)
        keyset_links(request, returned)
        keyset_links(request, rejections, after="rafter", before="rbefore")
        returned_rows = [(inv, selectors.reasons_by_field(inv.return_reasons)) for inv in returned]
        return render(
            request,
            "declarations/clearance_errors.html",
            {"page_obj": returned, "returned_rows": returned_rows, "rejections": rejections},
        )
