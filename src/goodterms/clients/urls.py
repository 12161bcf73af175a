from django.urls import path

from goodterms.clients.views import clients, contacts, exports, imports

app_name = "clients"
urlpatterns = [
    path("", clients.client_list, name="list"),
    path("new/", clients.client_create, name="create"),
    path("<int:pk>/", clients.client_detail, name="detail"),
    path("<int:pk>/edit/", clients.client_edit, name="edit"),
    path("<int:pk>/archive/", clients.client_archive, name="archive"),
    path("<int:pk>/contacts/new/", contacts.contact_create, name="contact-create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", contacts.contact_edit, name="contact-edit"),
    path("<int:pk>/contacts/<int:contact_pk>/delete/", contacts.contact_delete, name="contact-delete"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/primary/",
        contacts.contact_make_primary,
        name="contact-make-primary",
    ),
    path("<int:pk>/contacts/<int:contact_pk>/export.json", contacts.contact_export, name="contact-export"),
    path("import/", imports.upload, name="import"),
    path("import/<int:pk>/map/", imports.map_columns, name="import-map"),
    path("import/<int:pk>/preview/", imports.preview, name="import-preview"),
    path("import/<int:pk>/commit/", imports.commit, name="import-commit"),
    path("import/<int:pk>/problems.csv", imports.problems_csv, name="import-problems"),
    path("import/<int:pk>/left-out.csv", imports.left_out_csv, name="import-left-out"),
    path("import/<int:pk>/undo/", imports.undo, name="import-undo"),
    path("export.csv", exports.export_csv, name="export-csv"),
    path("export.vcf", exports.export_vcard, name="export-vcard"),
]
