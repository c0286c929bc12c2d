from django.urls import path

from ducha.core import views

app_name = "core"

urlpatterns = [
    path("regions/", views.region_tree, name="regions"),
    path("regions/new/", views.region_create, name="region_create"),
    path("regions/import/", views.region_import, name="region_import"),
    path("regions/export/", views.region_export, name="region_export"),
    path("regions/<int:pk>/", views.region_detail, name="region_detail"),
    path("regions/<int:pk>/children/", views.region_children, name="region_children"),
    path("regions/<int:pk>/edit/", views.region_edit, name="region_edit"),
    path("departments/", views.department_list, name="departments"),
    path("departments/new/", views.department_form, name="department_create"),
    path("departments/import/", views.department_import, name="department_import"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", views.department_form, name="department_edit"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_form, name="user_create"),
    path("users/import/", views.user_import, name="user_import"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_form, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("profile/", views.profile, name="profile"),
    path("holidays/", views.holiday_list, name="holidays"),
    path("holidays/new/", views.holiday_form, name="holiday_create"),
    path("holidays/import/", views.holiday_import, name="holiday_import"),
    path("holidays/<int:pk>/", views.holiday_form, name="holiday_edit"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("audit/", views.audit_log, name="audit"),
    path("imports/template/<str:name>/", views.import_template, name="import_template"),
    path("imports/report.xlsx", views.import_report_download, name="import_report"),
]
