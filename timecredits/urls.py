from __future__ import annotations

from django.urls import path

from . import views

app_name = "timecredits"

urlpatterns = [
    path("", views.statement, name="statement"),
    path("statement.csv", views.statement_csv, name="statement_csv"),
    path("accounts/<str:number>/", views.account_statement, name="account_statement"),
    path("accounts/<str:number>/statement.csv", views.account_statement_csv, name="account_statement_csv"),
    path("give/", views.gift, name="gift"),
    path("give/check/", views.gift_check, name="gift_check"),
    path("give/<uuid:pk>/", views.gift_receipt, name="gift_receipt"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("receipts/<str:reference>/", views.receipt, name="receipt"),
    path("record-hours/", views.record_hours, name="record_hours"),
    path("check-reference/", views.check_reference, name="check_reference"),
]
