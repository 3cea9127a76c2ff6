//! IAM, STS and Organizations error codes (AWS's exact strings and HTTP statuses, from the
//! IAM/STS/Organizations API references).

use crate::aws_error_codes;

aws_error_codes! {
    pub enum IamError {
        NoSuchEntity = ("NoSuchEntity", 404),
        EntityAlreadyExists = ("EntityAlreadyExists", 409),
        DeleteConflict = ("DeleteConflict", 409),
        LimitExceeded = ("LimitExceeded", 409),
        MalformedPolicyDocument = ("MalformedPolicyDocument", 400),
        InvalidInput = ("InvalidInput", 400),
        ValidationError = ("ValidationError", 400),
        UnmodifiableEntity = ("UnmodifiableEntity", 400),
        PolicyEvaluation = ("PolicyEvaluation", 500),
        /// STS
        AccessDenied = ("AccessDenied", 403),
        PackedPolicyTooLarge = ("PackedPolicyTooLarge", 400),
        RegionDisabled = ("RegionDisabledException", 403),
        ExpiredToken = ("ExpiredToken", 400),
        InvalidClientTokenId = ("InvalidClientTokenId", 403),
        SignatureDoesNotMatch = ("SignatureDoesNotMatch", 403),
    }
}

aws_error_codes! {
    pub enum OrgError {
        AlreadyInOrganization = ("AlreadyInOrganizationException", 400),
        AwsOrganizationsNotInUse = ("AWSOrganizationsNotInUseException", 400),
        AccountNotFound = ("AccountNotFoundException", 400),
        OrganizationalUnitNotFound = ("OrganizationalUnitNotFoundException", 400),
        ParentNotFound = ("ParentNotFoundException", 400),
        PolicyNotFound = ("PolicyNotFoundException", 400),
        DuplicatePolicyAttachment = ("DuplicatePolicyAttachmentException", 400),
        PolicyNotAttached = ("PolicyNotAttachedException", 400),
        MalformedPolicyDocument = ("MalformedPolicyDocumentException", 400),
        ConstraintViolation = ("ConstraintViolationException", 400),
        DuplicateOrganizationalUnit = ("DuplicateOrganizationalUnitException", 400),
        InvalidInput = ("InvalidInputException", 400),
        TargetNotFound = ("TargetNotFoundException", 400),
        PolicyInUse = ("PolicyInUseException", 400),
        OrganizationalUnitNotEmpty = ("OrganizationalUnitNotEmptyException", 400),
    }
}

aws_error_codes! {
    /// Federation, account settings and credential reports (IAM and STS API references).
    pub enum IdentityError {
        /// STS: the web identity token or SAML response could not be validated.
        InvalidIdentityToken = ("InvalidIdentityToken", 400),
        /// STS: the web identity token or SAML response has expired.
        ExpiredTokenException = ("ExpiredTokenException", 400),
        /// STS: the identity provider reported that authentication failed.
        IdpRejectedClaim = ("IDPRejectedClaim", 403),
        PasswordPolicyViolation = ("PasswordPolicyViolation", 400),
        InvalidUserType = ("InvalidUserType", 400),
        EntityTemporarilyUnmodifiable = ("EntityTemporarilyUnmodifiable", 409),
        ReportNotPresent = ("ReportNotPresent", 410),
        ReportExpired = ("ReportExpired", 410),
        ReportInProgress = ("ReportInProgress", 404),
    }
}
