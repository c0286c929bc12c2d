from django.urls import path

from ducha.problems import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="list"),
    path("board/", views.problem_board, name="board"),
    path("new/", views.problem_create, name="create"),
    path("views/save/", views.saved_view_save, name="view_save"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="view_delete"),
    path("bulk-assign/", views.problem_bulk_assign, name="bulk_assign"),
    path("numbers/", views.numbers, name="numbers"),
    path("ranking/", views.ranking, name="ranking"),
    path("weekly/", views.weekly, name="weekly"),
    path("monthly/", views.monthly, name="monthly"),
    path("special/", views.special, name="special"),
    path("reconcile/", views.reconcile, name="reconcile"),
    path("import/", views.problem_import, name="import"),
    path("export/", views.problem_export_table, name="export_table"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/assign/", views.problem_assign, name="assign"),
    path("<int:pk>/extend/", views.problem_extend, name="extend"),
    path("<int:pk>/progress/", views.problem_progress, name="progress"),
    path("<int:pk>/merge/", views.problem_merge, name="merge"),
    path("<int:pk>/do/<str:action>/", views.problem_action, name="action"),
]
