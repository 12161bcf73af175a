from django.urls import path

from goodterms.clients import views, views_export, views_import

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/archive/", views.client_archive, name="archive"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact-create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_edit, name="contact-edit"),
    path("<int:pk>/contacts/<int:contact_pk>/delete/", views.contact_delete, name="contact-delete"),
    # Import and export (views_import.py)
    path("import/", views_import.upload, name="import"),
    path("import/<int:pk>/map/", views_import.map_columns, name="import-map"),
    path("import/<int:pk>/preview/", views_import.preview, name="import-preview"),
    path("import/<int:pk>/commit/", views_import.commit, name="import-commit"),
    path("import/<int:pk>/problems.csv", views_import.problems_csv, name="import-problems"),
    path("export.csv", views_export.export_csv, name="export-csv"),
    path("export.vcf", views_export.export_vcard, name="export-vcard"),
]
