//! Validation of request contents that more than one route accepts.

use crate::api::VideoDeclaration;
use crate::http::ApiError;
use crate::intake::{Intake, MAX_NOTE_CHARS};
use crate::settings::Settings;
use crate::visit::{MAX_MESSAGE_CHARS, VideoType};

/// Checks a declared video against the accepted types and the size limit.
pub fn validate_video(
    video: &VideoDeclaration,
    settings: &Settings,
) -> Result<(VideoType, u64), ApiError> {
    let Some(kind) = VideoType::from_mime(&video.content_type) else {
        return Err(ApiError::invalid(
            "unsupported_video_type",
            "Upload an MP4, WebM or MOV video (video/mp4, video/webm or video/quicktime).",
        ));
    };
    if video.length == 0 {
        return Err(ApiError::invalid(
            "empty_video",
            "The video is empty. Record it again.",
        ));
    }
    if video.length > settings.max_video_bytes {
        let mib = settings.max_video_bytes / (1024 * 1024);
        return Err(ApiError::invalid(
            "video_too_large",
            format!("The video is larger than the {mib} MiB limit. Record a shorter one."),
        ));
    }
    Ok((kind, video.length))
}

/// The intake's free-text note must fit the limit.
pub fn validate_intake(intake: &Intake) -> Result<(), ApiError> {
    if intake.note.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::invalid(
            "note_too_long",
            format!("Keep the note under {MAX_NOTE_CHARS} characters; say the rest in the video."),
        ));
    }
    Ok(())
}

/// A message must say something and fit the limit. Returns it trimmed.
pub fn validate_message(message: &str) -> Result<String, ApiError> {
    let message = message.trim();
    if message.is_empty() {
        return Err(ApiError::invalid(
            "empty_message",
            "Write a message before sending.",
        ));
    }
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ApiError::invalid(
            "message_too_long",
            format!("Keep the message under {MAX_MESSAGE_CHARS} characters."),
        ));
    }
    Ok(message.to_owned())
}
