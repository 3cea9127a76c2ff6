//! Route 53's error codes with their HTTP statuses (botocore `route53/2013-04-01` model),
//! and Route 53 Domains' (`route53domains/2014-05-15`).

use crate::aws_error_codes;

aws_error_codes! {
    /// Route 53 API errors.
    pub enum R53Error {
        NoSuchHostedZone = ("NoSuchHostedZone", 404),
        HostedZoneNotEmpty = ("HostedZoneNotEmpty", 400),
        HostedZoneAlreadyExists = ("HostedZoneAlreadyExists", 409),
        InvalidChangeBatch = ("InvalidChangeBatch", 400),
        InvalidInput = ("InvalidInput", 400),
        InvalidDomainName = ("InvalidDomainName", 400),
        InvalidVpcId = ("InvalidVPCId", 400),
        NoSuchChange = ("NoSuchChange", 404),
        NoSuchHealthCheck = ("NoSuchHealthCheck", 404),
        HealthCheckAlreadyExists = ("HealthCheckAlreadyExists", 409),
        InvalidArgument = ("InvalidArgument", 400),
        ConflictingDomainExists = ("ConflictingDomainExists", 400),
        PublicZoneVpcAssociation = ("PublicZoneVPCAssociation", 400),
        LastVpcAssociation = ("LastVPCAssociation", 400),
        VpcAssociationNotFound = ("VPCAssociationNotFound", 404),
    }
}

aws_error_codes! {
    /// Route 53 Domains errors.
    pub enum DomainsError {
        InvalidInput = ("InvalidInput", 400),
        UnsupportedTld = ("UnsupportedTLD", 400),
        DomainLimitExceeded = ("DomainLimitExceeded", 400),
        DuplicateRequest = ("DuplicateRequest", 400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::ErrorCode;

    #[test]
    fn codes_keep_aws_spelling() {
        assert_eq!(R53Error::InvalidVpcId.code(), "InvalidVPCId");
        assert_eq!(R53Error::NoSuchHostedZone.status(), 404);
        assert_eq!(R53Error::HostedZoneAlreadyExists.status(), 409);
        assert_eq!(DomainsError::UnsupportedTld.code(), "UnsupportedTLD");
    }
}
