//! The shape of a multipart upload plan, by S3's rules, shared by every media store so a plan
//! the embedded store accepts is one S3 accepts too.

/// S3's smallest part, except the last (or an only part).
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;

/// S3's largest part.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * 1024 * 1024;

/// S3's most parts in one upload.
pub const MAX_PARTS: u64 = 10_000;

/// The lengths of the parts of `length` bytes in parts of `part_size` (the last smaller), or
/// why S3 would refuse such a plan (at a part or at the completion; finding it here is
/// cheaper).
pub fn part_lengths(length: u64, part_size: u64) -> Result<Vec<u64>, String> {
    if length == 0 || part_size == 0 {
        return Err("a multipart upload needs a length and a part size".to_owned());
    }
    let parts = length.div_ceil(part_size);
    if parts > MAX_PARTS {
        return Err(format!("{parts} parts exceed S3's limit of {MAX_PARTS}"));
    }
    if parts > 1 && part_size < MIN_PART_SIZE {
        return Err(format!(
            "parts of {part_size} bytes are below S3's 5 MiB minimum"
        ));
    }
    if part_size.min(length) > MAX_PART_SIZE {
        return Err(format!(
            "parts of {part_size} bytes are above S3's 5 GiB maximum"
        ));
    }
    Ok((0..parts)
        .map(|i| part_size.min(length - i * part_size))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_the_part_size_but_the_last() {
        let plan = part_lengths(2 * MIN_PART_SIZE + 3, MIN_PART_SIZE).unwrap();
        assert_eq!(plan, [MIN_PART_SIZE, MIN_PART_SIZE, 3]);
    }

    #[test]
    fn an_only_part_may_be_smaller_than_five_mib() {
        assert_eq!(part_lengths(1000, 4 * 1024 * 1024).unwrap(), [1000]);
    }

    #[test]
    fn plans_s3_would_refuse_are_refused() {
        assert!(part_lengths(10 * MIN_PART_SIZE, MIN_PART_SIZE - 1).is_err());
        assert!(part_lengths(MAX_PARTS * MIN_PART_SIZE + 1, MIN_PART_SIZE).is_err());
        assert!(part_lengths(0, MIN_PART_SIZE).is_err());
        assert!(part_lengths(MIN_PART_SIZE, 0).is_err());
        assert!(part_lengths(MAX_PART_SIZE + 1, MAX_PART_SIZE + 1).is_err());
    }
}
