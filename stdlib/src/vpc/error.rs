//! The EC2 error codes the VPC operations return (EC2 API Reference, "Error codes for the
//! Amazon EC2 API"): AWS's exact strings; all are client errors with HTTP status 400.

use crate::aws_error_codes;

aws_error_codes! {
    /// EC2 (VPC) error codes.
    pub enum VpcError {
        InvalidVpcRange = ("InvalidVpc.Range", 400),
        InvalidSubnetRange = ("InvalidSubnet.Range", 400),
        InvalidSubnetConflict = ("InvalidSubnet.Conflict", 400),
        InvalidVpcIdNotFound = ("InvalidVpcID.NotFound", 400),
        InvalidSubnetIdNotFound = ("InvalidSubnetID.NotFound", 400),
        InvalidRouteTableIdNotFound = ("InvalidRouteTableID.NotFound", 400),
        InvalidInternetGatewayIdNotFound = ("InvalidInternetGatewayID.NotFound", 400),
        InvalidGatewayIdNotFound = ("InvalidGatewayID.NotFound", 400),
        NatGatewayNotFound = ("NatGatewayNotFound", 400),
        InvalidVpcPeeringConnectionIdNotFound = ("InvalidVpcPeeringConnectionID.NotFound", 400),
        InvalidGroupNotFound = ("InvalidGroup.NotFound", 400),
        InvalidGroupDuplicate = ("InvalidGroup.Duplicate", 400),
        InvalidPermissionDuplicate = ("InvalidPermission.Duplicate", 400),
        InvalidPermissionNotFound = ("InvalidPermission.NotFound", 400),
        InvalidPermissionMalformed = ("InvalidPermission.Malformed", 400),
        InvalidNetworkAclIdNotFound = ("InvalidNetworkAclID.NotFound", 400),
        NetworkAclEntryAlreadyExists = ("NetworkAclEntryAlreadyExists", 400),
        InvalidNetworkAclEntryNotFound = ("InvalidNetworkAclEntry.NotFound", 400),
        InvalidDhcpOptionIdNotFound = ("InvalidDhcpOptionID.NotFound", 400),
        InvalidInstanceIdNotFound = ("InvalidInstanceID.NotFound", 400),
        InvalidNetworkInterfaceIdNotFound = ("InvalidNetworkInterfaceID.NotFound", 400),
        InvalidAllocationIdNotFound = ("InvalidAllocationID.NotFound", 400),
        InvalidAssociationIdNotFound = ("InvalidAssociationID.NotFound", 400),
        InvalidVpcCidrBlockAssociationIdNotFound = ("InvalidVpcCidrBlockAssociationID.NotFound", 400),
        InvalidRouteNotFound = ("InvalidRoute.NotFound", 400),
        RouteAlreadyExists = ("RouteAlreadyExists", 400),
        InvalidParameterValue = ("InvalidParameterValue", 400),
        InvalidParameterCombination = ("InvalidParameterCombination", 400),
        MissingParameter = ("MissingParameter", 400),
        InvalidFilter = ("InvalidFilter", 400),
        DependencyViolation = ("DependencyViolation", 400),
        CannotDelete = ("CannotDelete", 400),
        DefaultVpcAlreadyExists = ("DefaultVpcAlreadyExists", 400),
        VpcLimitExceeded = ("VpcLimitExceeded", 400),
        SubnetLimitExceeded = ("SubnetLimitExceeded", 400),
        CidrLimitExceeded = ("CidrLimitExceeded", 400),
        RulesPerSecurityGroupLimitExceeded = ("RulesPerSecurityGroupLimitExceeded", 400),
        NetworkAclEntryLimitExceeded = ("NetworkAclEntryLimitExceeded", 400),
        RouteLimitExceeded = ("RouteLimitExceeded", 400),
        InternetGatewayLimitExceeded = ("InternetGatewayLimitExceeded", 400),
        AddressLimitExceeded = ("AddressLimitExceeded", 400),
        ResourceAlreadyAssociated = ("Resource.AlreadyAssociated", 400),
        GatewayNotAttached = ("Gateway.NotAttached", 400),
        InvalidIpAddressInUse = ("InvalidIPAddress.InUse", 400),
        InsufficientFreeAddressesInSubnet = ("InsufficientFreeAddressesInSubnet", 400),
        OperationNotPermitted = ("OperationNotPermitted", 400),
        InvalidStateTransition = ("InvalidStateTransition", 400),
        IncorrectState = ("IncorrectState", 400),
        InvalidGroupReserved = ("InvalidGroup.Reserved", 400),
        VpcIdNotSpecified = ("VPCIdNotSpecified", 400),
        InvalidNetworkInterfaceInUse = ("InvalidNetworkInterface.InUse", 400),
        InvalidParameter = ("InvalidParameter", 400),
    }
}

/// Shorthands for the messages several operations share.
pub mod msg {
    pub fn vpc_not_found(id: &str) -> String {
        format!("The vpc ID '{id}' does not exist")
    }
    pub fn subnet_not_found(id: &str) -> String {
        format!("The subnet ID '{id}' does not exist")
    }
    pub fn dependencies(kind: &str, id: &str) -> String {
        format!("The {kind} '{id}' has dependencies and cannot be deleted.")
    }
    pub fn invalid_value(value: &str, parameter: &str, why: &str) -> String {
        format!("Value ({value}) for parameter {parameter} is invalid. {why}")
    }
}
