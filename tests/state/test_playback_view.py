"""What the viewer gives the player and says over a video (pure functions of the item)."""

from __future__ import annotations

from rdrive_app.core.domain import Kind, MediaItem, Status
from rdrive_app.core.playback import Playback, PlaybackState, player_type
from rdrive_app.ui.state.labels import playback_note, status_label
from rdrive_app.ui.state.viewer import VideoSource, player_key, video_sources

HEVC = 'video/quicktime; codecs="hvc1.2.4.L123.B0, mp4a.40.2"'
H264 = 'video/mp4; codecs="avc1.640028, mp4a.40.2"'


def video(playback: Playback | None, status: Status = Status.READY) -> MediaItem:
    return MediaItem(
        id="v1", folder="/", name="IMG_1.MOV", kind=Kind.VIDEO, content_type="video/quicktime",
        size=10, uploaded_by="ann", status=status, playback=playback,
    )  # fmt: skip


def urls(play: str | None, play_type: str | None) -> dict[str, str | None]:
    return {"url": "https://o/orig", "url_type": HEVC, "playback_url": play,
            "playback_type": play_type}  # fmt: skip


def test_the_original_comes_first_where_a_rendition_exists() -> None:
    item = video(Playback(PlaybackState.READY, HEVC, type=H264, key="k"))
    assert video_sources(item, urls("https://o/rend", H264)) == [
        VideoSource("https://o/orig", HEVC),
        VideoSource("https://o/rend", H264),
    ]


def test_a_browser_safe_original_is_the_one_source_said_as_mp4() -> None:
    mov = 'video/quicktime; codecs="avc1.64001f"'
    item = video(Playback(PlaybackState.ORIGINAL, mov, type=player_type(mov)))
    sources = video_sources(item, {**urls("https://o/orig", player_type(mov))})
    assert sources == [VideoSource("https://o/orig", 'video/mp4; codecs="avc1.64001f"')]


def test_preparing_and_failed_say_so() -> None:
    preparing = video(Playback(PlaybackState.PREPARING, HEVC, progress=0.4), Status.PROCESSING)
    assert playback_note(preparing) == "Preparing video 40 %"
    assert status_label(preparing) == "Preparing video 40 %"  # the tile's label too
    assert video_sources(preparing, urls(None, None)) == [VideoSource("https://o/orig", HEVC)]
    failed = video(Playback(PlaybackState.FAILED, HEVC, reason="it could not be prepared"))
    assert playback_note(failed).startswith("This video cannot be played here: it could not")
    assert playback_note(video(None)) == ""


def test_the_player_restarts_for_other_files_only() -> None:
    """Processing finishing (the same original, signed again) keeps the video playing; the
    rendition arriving loads the player afresh."""
    before = [VideoSource("https://o/orig?sig=1", H264)]
    again = [VideoSource("https://o/orig?sig=2", H264)]
    with_rendition = [*again, VideoSource("https://o/rend?sig=3", H264)]
    assert player_key("v1", before) == player_key("v1", again)
    assert player_key("v1", again) != player_key("v1", with_rendition)
    assert player_key("v1", again) != player_key("v2", again)
