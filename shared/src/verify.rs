//! Verification of an uploaded object before its visit enters the queue: exactly the declared
//! length (a multipart upload completed with parts missing is short), the declared video
//! type, and a container whose first bytes say so.

use crate::ports::ObjectInfo;
use crate::visit::{RejectionReason, Upload, VideoType};

/// Brands and box types that open a QuickTime file when it has no `ftyp` box.
const QUICKTIME_LEADING_BOXES: [&[u8; 4]; 5] = [b"moov", b"mdat", b"wide", b"free", b"skip"];

/// The EBML magic number every WebM file starts with.
const EBML_MAGIC: [u8; 4] = [0x1A, 0x45, 0xDF, 0xA3];

/// Checks a stored object against the upload the visit declared.
pub fn verify_upload(upload: &Upload, object: &ObjectInfo) -> Result<(), RejectionReason> {
    if object.size == 0 || object.size != upload.declared_length {
        return Err(RejectionReason::WrongLength);
    }
    let stored_type = object
        .content_type
        .as_deref()
        .and_then(VideoType::from_mime);
    if stored_type != Some(upload.content_type) {
        return Err(RejectionReason::WrongContentType);
    }
    if sniff(&object.head) != Some(container_family(upload.content_type)) {
        return Err(RejectionReason::NotAVideo);
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// ISO base media: MP4 and QuickTime share the box structure.
    IsoBmff,
    Matroska,
}

fn container_family(video: VideoType) -> Family {
    match video {
        VideoType::Mp4 | VideoType::Quicktime => Family::IsoBmff,
        VideoType::Webm => Family::Matroska,
    }
}

fn sniff(head: &[u8]) -> Option<Family> {
    if head.starts_with(&EBML_MAGIC) {
        return Some(Family::Matroska);
    }
    let box_type: &[u8; 4] = head.get(4..8)?.try_into().ok()?;
    if box_type == b"ftyp" || QUICKTIME_LEADING_BOXES.contains(&box_type) {
        return Some(Family::IsoBmff);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ObjectKey, VisitId};

    fn upload(content_type: VideoType, declared_length: u64) -> Upload {
        let key = ObjectKey::for_upload(VisitId::new(), 1);
        Upload {
            content_type,
            declared_length,
            object_key: key,
            attempt: 1,
        }
    }

    fn object(size: u64, content_type: &str, head: &[u8]) -> ObjectInfo {
        ObjectInfo {
            size,
            content_type: Some(content_type.to_owned()),
            head: head.to_vec(),
        }
    }

    const MP4: &[u8] = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";
    const WEBM: &[u8] = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01";

    #[test]
    fn an_mp4_within_its_declared_length_is_accepted() {
        assert_eq!(
            verify_upload(&upload(VideoType::Mp4, 100), &object(100, "video/mp4", MP4)),
            Ok(())
        );
    }

    #[test]
    fn a_webm_with_codec_parameters_in_its_type_is_accepted() {
        let stored = object(100, "video/webm;codecs=vp8,opus", WEBM);
        assert_eq!(
            verify_upload(&upload(VideoType::Webm, 100), &stored),
            Ok(())
        );
    }

    #[test]
    fn a_quicktime_file_opening_with_a_movie_box_is_accepted() {
        let stored = object(10, "video/quicktime", b"\0\0\0\x08moov");
        assert_eq!(
            verify_upload(&upload(VideoType::Quicktime, 10), &stored),
            Ok(())
        );
    }

    #[test]
    fn an_object_longer_than_declared_is_rejected() {
        let stored = object(101, "video/mp4", MP4);
        assert_eq!(
            verify_upload(&upload(VideoType::Mp4, 100), &stored),
            Err(RejectionReason::WrongLength)
        );
    }

    #[test]
    fn an_object_shorter_than_declared_is_rejected() {
        let stored = object(99, "video/mp4", MP4);
        assert_eq!(
            verify_upload(&upload(VideoType::Mp4, 100), &stored),
            Err(RejectionReason::WrongLength)
        );
    }

    #[test]
    fn an_empty_object_is_rejected() {
        let stored = object(0, "video/mp4", b"");
        assert_eq!(
            verify_upload(&upload(VideoType::Mp4, 100), &stored),
            Err(RejectionReason::WrongLength)
        );
    }

    #[test]
    fn an_object_stored_with_another_type_is_rejected() {
        let stored = object(100, "video/webm", MP4);
        assert_eq!(
            verify_upload(&upload(VideoType::Mp4, 100), &stored),
            Err(RejectionReason::WrongContentType)
        );
    }

    #[test]
    fn a_file_that_is_not_a_video_is_rejected_whatever_its_declared_type() {
        let stored = object(100, "video/mp4", b"%PDF-1.7 not a video at all");
        assert_eq!(
            verify_upload(&upload(VideoType::Mp4, 100), &stored),
            Err(RejectionReason::NotAVideo)
        );
    }

    #[test]
    fn a_webm_declared_as_mp4_is_rejected() {
        let stored = object(100, "video/mp4", WEBM);
        assert_eq!(
            verify_upload(&upload(VideoType::Mp4, 100), &stored),
            Err(RejectionReason::NotAVideo)
        );
    }
}
