"""PPP documents are served only by permission-checked views, as attachments (never from MEDIA_URL)."""

from django.core.files.base import ContentFile

from operations.models import Disclosure, ProjectDocument


def _document(project, disclosure, title):
    document = ProjectDocument(project=project, kind="other", title=title, disclosure=disclosure)
    document.file.save("实施方案 final.pdf", ContentFile(b"%PDF-1.7\n..."), save=True)
    return document


def test_officials_who_see_the_project_download_its_documents(client, project, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = _document(project, Disclosure.NEVER, "内部")
    client.force_login(city.manager)
    response = client.get(f"/ppp/projects/{project.code}/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    page = client.get(f"/ppp/projects/{project.code}/")
    assert f"/ppp/projects/{project.code}/documents/{document.pk}/".encode() in page.content
    assert b"/media/" not in page.content

    client.force_login(city.outsider)
    assert client.get(f"/ppp/projects/{project.code}/documents/{document.pk}/").status_code == 404


def test_the_public_gets_only_disclosed_documents_of_published_projects(client, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    public = _document(project, Disclosure.IMMEDIATELY, "公开")
    internal = _document(project, Disclosure.NEVER, "内部")
    url = f"/ppp/public/{project.code}/documents/"
    assert client.get(f"{url}{public.pk}/").status_code == 404  # not published yet
    project.published = True
    project.save(update_fields=["published"])
    assert client.get(f"{url}{public.pk}/").status_code == 200
    assert client.get(f"{url}{internal.pk}/").status_code == 404
