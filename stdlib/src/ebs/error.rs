//! EC2's error codes for the EBS operations, with AWS's exact spelling and HTTP status.
//!
//! EC2 answers every client error with HTTP 400 (403 for `UnauthorizedOperation`); the codes
//! come from the EC2 API reference's "Error codes" page. Messages follow the ones EC2 is seen
//! to return (`vol-1234 is not 'available'.`, `The volume 'vol-1234' does not exist.`).

use crate::aws_error_codes;

aws_error_codes! {
    /// The codes EBS operations (EC2 API) and the EBS direct APIs return.
    pub enum EbsError {
        InvalidParameterValue = ("InvalidParameterValue", 400),
        InvalidParameterCombination = ("InvalidParameterCombination", 400),
        InvalidParameter = ("InvalidParameter", 400),
        MissingParameter = ("MissingParameter", 400),
        InvalidVolumeNotFound = ("InvalidVolume.NotFound", 400),
        InvalidVolumeIdMalformed = ("InvalidVolumeID.Malformed", 400),
        InvalidVolumeZoneMismatch = ("InvalidVolume.ZoneMismatch", 400),
        InvalidSnapshotNotFound = ("InvalidSnapshot.NotFound", 400),
        InvalidSnapshotIdMalformed = ("InvalidSnapshotID.Malformed", 400),
        InvalidInstanceIdNotFound = ("InvalidInstanceID.NotFound", 400),
        InvalidInstanceIdMalformed = ("InvalidInstanceID.Malformed", 400),
        InvalidZoneNotFound = ("InvalidZone.NotFound", 400),
        InvalidAttachmentNotFound = ("InvalidAttachment.NotFound", 400),
        IncorrectState = ("IncorrectState", 400),
        IncorrectInstanceState = ("IncorrectInstanceState", 400),
        IncorrectModificationState = ("IncorrectModificationState", 400),
        VolumeModificationRateExceeded = ("VolumeModificationRateExceeded", 400),
        VolumeInUse = ("VolumeInUse", 400),
        AttachmentLimitExceeded = ("AttachmentLimitExceeded", 400),
        InvalidFilter = ("InvalidFilter", 400),
        UnsupportedOperation = ("UnsupportedOperation", 400),
        InvalidRegion = ("InvalidRegion", 400),
        /// EBS direct APIs (ebs.amazonaws.com).
        ValidationException = ("ValidationException", 400),
        ResourceNotFoundException = ("ResourceNotFoundException", 404),
        /// CloudWatch GetMetricData.
        InvalidParameterValueException = ("InvalidParameterValueException", 400),
    }
}
