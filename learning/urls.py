from django.urls import path

from learning import author_views as author
from learning import views

app_name = "learning"
urlpatterns = [
    path("", views.course_list, name="courses"),
    path("c/<slug:key>/", views.course_detail, name="course"),
    path("c/<slug:key>/enrol", views.course_enrol, name="enrol"),
    path("lesson/<int:pk>/", views.lesson_detail, name="lesson"),
    path("lesson/<int:pk>/practice", views.lesson_practice, name="practice"),
    path("lesson/<int:pk>/password", views.password_check, name="password_check"),
    path("lesson/<int:pk>/quiz", views.quiz_start, name="quiz_start"),
    path("lesson/<int:pk>/video", views.lesson_video, name="lesson_video"),
    path("lesson/<int:pk>/poster", views.lesson_poster, name="lesson_poster"),
    path("attempt/<int:pk>/", views.attempt_view, name="attempt"),
    path("attempt/<int:pk>/save", views.attempt_save, name="attempt_save"),
    path("attempt/<int:pk>/result", views.attempt_result, name="attempt_result"),
    path("file/<int:pk>/<str:name>", views.lesson_file, name="lesson_file"),
    path("qfile/<int:pk>/<str:name>", views.question_file, name="question_file"),
    path("certificate/<str:code>.pdf", views.certificate_download, name="certificate_pdf"),
    # Authoring.
    path("author/", author.dashboard, name="author"),
    path("author/course/new", author.course_create, name="author_course_new"),
    path("author/course/<int:pk>/", author.course_edit, name="author_course"),
    path("author/course/<int:pk>/module", author.module_create, name="author_module_new"),
    path("author/course/<int:pk>/share", author.course_share, name="author_share"),
    path("author/course/<int:pk>/learners", author.course_learners, name="author_learners"),
    path("author/course/<int:pk>/certificates.zip", author.certificates_zip, name="author_certificates_zip"),
    path("author/course/<int:pk>/pack.zip", author.course_pack_export, name="author_pack_export"),
    path("author/module/<int:pk>/", author.module_edit, name="author_module"),
    path("author/module/<int:pk>/lesson", author.lesson_create, name="author_lesson_new"),
    path("author/lesson/<int:pk>/", author.lesson_edit, name="author_lesson"),
    path("author/lesson/<int:pk>/delete", author.lesson_delete, name="author_lesson_delete"),
    path("author/lesson/<int:pk>/file", author.lesson_file_upload, name="author_lesson_file"),
    path(
        "author/lesson/<int:pk>/file/<int:file_pk>/delete", author.lesson_file_delete, name="author_lesson_file_delete"
    ),
    path("author/lesson/<int:pk>/video", author.lesson_video_upload, name="author_lesson_video"),
    path("author/lesson/<int:pk>/quiz", author.quiz_configure, name="author_quiz"),
    path("author/certificate/<int:pk>/revoke", author.certificate_revoke, name="author_revoke"),
    path("author/banks/new", author.bank_create, name="author_bank_new"),
    path("author/bank/<int:pk>/", author.bank_detail, name="author_bank"),
    path("author/bank/<int:pk>/import", author.bank_import, name="author_bank_import"),
    path("author/bank/<int:pk>/export", author.bank_export, name="author_bank_export"),
    path("author/bank/<int:pk>/question", author.question_create, name="author_question_new"),
    path("author/question/<int:pk>/", author.question_edit, name="author_question"),
    path("author/answer/<int:pk>/", author.answer_detail, name="author_answer"),
    path("author/grading/", author.grading, name="author_grading"),
    path("author/packs/import", author.pack_import, name="author_pack_import"),
]
