"""Page "Nhập dữ liệu" in Chromium given a hostile workbook: a 3 KB .xlsx whose sheet HTX has a cell at
XFD1048576 (in v1 the parser tried to allocate about 550 GB and took the whole server down). The page must
show the located Vietnamese refusal, and the server must still answer afterwards.

Runs on a server of its own (`private_server`): if the refusal failed, only this module's server would die.
"""

from __future__ import annotations

import urllib.request

import pytest

from tests.corpus.hostile import FILES

pytestmark = pytest.mark.browser

PAGE = "pages/6_Nhap_du_lieu.py"
ALERT_ERROR = '[data-testid="stAlertContentError"]'
REFUSAL = (
    "Sheet 'HTX': Có ô XFD1048576 ở dòng 1.048.576, vượt giới hạn 100.011 dòng của một sheet (số dòng số liệu "
    "tối đa cộng các dòng tiêu đề); hãy xoá các ô thừa ở cuối sheet."
)


@pytest.fixture
def app_server(private_server):
    """Serve this module's pages from its own server."""
    return private_server


def test_a_far_cell_upload_is_refused_in_vietnamese_and_the_server_keeps_answering(
    tmp_path,
    app_server,
    navigation,
    open_page,
    wait_for_run,
    assert_no_exception,
    screenshot,
    add_account,
    log_in,
) -> None:
    path = tmp_path / "xa-xoi.xlsx"
    path.write_bytes(FILES["far_cell_xfd"]())
    add_account("ha", "analyst")  # only those who may import get the file input

    page = open_page("/" + navigation[PAGE])
    assert_no_exception(page)
    log_in(page, "ha")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(path)

    # The message names the sheet, the cell found and the limit.
    page.locator(ALERT_ERROR).filter(has_text="XFD1048576").wait_for()
    wait_for_run(page)
    assert_no_exception(page)
    assert REFUSAL in page.locator(ALERT_ERROR).first.inner_text()  # after the icon's name
    screenshot(page, "upload-far-cell-refused")

    with urllib.request.urlopen(f"{app_server.url}/_stcore/health", timeout=10) as response:
        assert response.read().decode().strip() == "ok"
    assert app_server.process.poll() is None  # the server process is alive

    page.reload(wait_until="domcontentloaded")
    wait_for_run(page)
    assert_no_exception(page)
    log_in(page, "ha")  # a local login lasts as long as the browser session, which the reload ended
    assert page.locator('[data-testid="stFileUploader"]').count() == 1
