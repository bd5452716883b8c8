from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "leora.crm"
    label = "crm"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from leora.crm import facts
        from leora.crm.models import Activity, Customer, Invoice, Order, OrderLine
        from leora.crm.signals import book_changed

        # Customer facts follow every write of their inputs, in the writer's transaction.
        for model in (Order, Invoice, Activity):
            name = model.__name__
            post_save.connect(facts.on_customer_row_saved, sender=model, dispatch_uid=f"facts_{name}_save")
            post_delete.connect(facts.on_customer_row_deleted, sender=model, dispatch_uid=f"facts_{name}_del")
        post_save.connect(facts.on_order_line_saved, sender=OrderLine, dispatch_uid="facts_OrderLine_save")
        post_delete.connect(facts.on_order_line_deleted, sender=OrderLine, dispatch_uid="facts_OrderLine_del")
        post_save.connect(facts.on_customer_saved, sender=Customer, dispatch_uid="facts_Customer_save")
        book_changed.connect(facts.on_book_changed, dispatch_uid="facts_book_changed")
