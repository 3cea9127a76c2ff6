//! Generated reference data for policy validation and Access Advisor: the IAM actions of the
//! services the simulator models. Sources: the botocore API models (boto/botocore @
//! 0e6e2404b85dc336dd2889814e089bde7d1a4c55, `operations` of iam, sts, kms, organizations,
//! route53, route53domains, ec2 — whose IAM actions carry the operation names — plus the
//! permission-only actions `iam:PassRole`, `kms:ReEncryptFrom`/`ReEncryptTo` (instead of
//! `ReEncrypt`), `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`,
//! `sts:GetServiceBearerToken`), and for S3, whose permissions differ from its operations,
//! the Service Authorization Reference's action names (bucket, object, access point, job,
//! Storage Lens and Multi-Region Access Point actions; S3 Express, Access Grants, Object
//! Lambda and S3 Tables actions are not listed). One space-separated string per service.

pub const IAM: &str = "\
    AcceptDelegationRequest AddClientIDToOpenIDConnectProvider AddRoleToInstanceProfile AddUserToGroup \
    AssociateDelegationRequest AttachGroupPolicy AttachRolePolicy AttachUserPolicy ChangePassword CreateAccessKey \
    CreateAccountAlias CreateDelegationRequest CreateGroup CreateInstanceProfile CreateLoginProfile \
    CreateOpenIDConnectProvider CreatePolicy CreatePolicyVersion CreateRole CreateSAMLProvider \
    CreateServiceLinkedRole CreateServiceSpecificCredential CreateUser CreateVirtualMFADevice DeactivateMFADevice \
    DeleteAccessKey DeleteAccountAlias DeleteAccountPasswordPolicy DeleteGroup DeleteGroupPolicy \
    DeleteInstanceProfile DeleteLoginProfile DeleteOpenIDConnectProvider DeletePolicy DeletePolicyVersion \
    DeleteRole DeleteRolePermissionsBoundary DeleteRolePolicy DeleteSAMLProvider DeleteSSHPublicKey \
    DeleteServerCertificate DeleteServiceLinkedRole DeleteServiceSpecificCredential DeleteSigningCertificate \
    DeleteUser DeleteUserPermissionsBoundary DeleteUserPolicy DeleteVirtualMFADevice DetachGroupPolicy \
    DetachRolePolicy DetachUserPolicy DisableOrganizationsRootCredentialsManagement \
    DisableOrganizationsRootSessions DisableOutboundWebIdentityFederation EnableMFADevice \
    EnableOrganizationsRootCredentialsManagement EnableOrganizationsRootSessions \
    EnableOutboundWebIdentityFederation GenerateCredentialReport GenerateOrganizationsAccessReport \
    GenerateServiceLastAccessedDetails GetAccessKeyLastUsed GetAccountAuthorizationDetails \
    GetAccountPasswordPolicy GetAccountSummary GetContextKeysForCustomPolicy GetContextKeysForPrincipalPolicy \
    GetCredentialReport GetDelegationRequest GetGroup GetGroupPolicy GetHumanReadableSummary GetInstanceProfile \
    GetLoginProfile GetMFADevice GetOpenIDConnectProvider GetOrganizationsAccessReport \
    GetOutboundWebIdentityFederationInfo GetPolicy GetPolicyVersion GetRole GetRolePolicy GetSAMLProvider \
    GetSSHPublicKey GetServerCertificate GetServiceLastAccessedDetails GetServiceLastAccessedDetailsWithEntities \
    GetServiceLinkedRoleDeletionStatus GetUser GetUserPolicy ListAccessKeys ListAccountAliases \
    ListAttachedGroupPolicies ListAttachedRolePolicies ListAttachedUserPolicies ListDelegationRequests \
    ListEntitiesForPolicy ListGroupPolicies ListGroups ListGroupsForUser ListInstanceProfileTags \
    ListInstanceProfiles ListInstanceProfilesForRole ListMFADeviceTags ListMFADevices \
    ListOpenIDConnectProviderTags ListOpenIDConnectProviders ListOrganizationsFeatures ListPolicies \
    ListPoliciesGrantingServiceAccess ListPolicyTags ListPolicyVersions ListRolePolicies ListRoleTags ListRoles \
    ListSAMLProviderTags ListSAMLProviders ListSSHPublicKeys ListServerCertificateTags ListServerCertificates \
    ListServiceSpecificCredentials ListSigningCertificates ListUserPolicies ListUserTags ListUsers \
    ListVirtualMFADevices PassRole PutGroupPolicy PutRolePermissionsBoundary PutRolePolicy \
    PutUserPermissionsBoundary PutUserPolicy RejectDelegationRequest RemoveClientIDFromOpenIDConnectProvider \
    RemoveRoleFromInstanceProfile RemoveUserFromGroup ResetServiceSpecificCredential ResyncMFADevice \
    SendDelegationToken SetDefaultPolicyVersion SetSecurityTokenServicePreferences SimulateCustomPolicy \
    SimulatePrincipalPolicy TagInstanceProfile TagMFADevice TagOpenIDConnectProvider TagPolicy TagRole \
    TagSAMLProvider TagServerCertificate TagUser UntagInstanceProfile UntagMFADevice UntagOpenIDConnectProvider \
    UntagPolicy UntagRole UntagSAMLProvider UntagServerCertificate UntagUser UpdateAccessKey \
    UpdateAccountPasswordPolicy UpdateAssumeRolePolicy UpdateDelegationRequest UpdateGroup UpdateLoginProfile \
    UpdateOpenIDConnectProviderThumbprint UpdateRole UpdateRoleDescription UpdateSAMLProvider UpdateSSHPublicKey \
    UpdateServerCertificate UpdateServiceSpecificCredential UpdateSigningCertificate UpdateUser UploadSSHPublicKey \
    UploadServerCertificate UploadSigningCertificate";

pub const STS: &str = "\
    AssumeRole AssumeRoleWithSAML AssumeRoleWithWebIdentity AssumeRoot DecodeAuthorizationMessage GetAccessKeyInfo \
    GetCallerIdentity GetDelegatedAccessToken GetFederationToken GetServiceBearerToken GetSessionToken \
    GetWebIdentityToken SetContext SetSourceIdentity TagSession";

pub const KMS: &str = "\
    CancelKeyDeletion ConnectCustomKeyStore CreateAlias CreateCustomKeyStore CreateGrant CreateKey Decrypt \
    DeleteAlias DeleteCustomKeyStore DeleteImportedKeyMaterial DeriveSharedSecret DescribeCustomKeyStores \
    DescribeKey DisableKey DisableKeyRotation DisconnectCustomKeyStore EnableKey EnableKeyRotation Encrypt \
    GenerateDataKey GenerateDataKeyPair GenerateDataKeyPairWithoutPlaintext GenerateDataKeyWithoutPlaintext \
    GenerateMac GenerateRandom GetKeyLastUsage GetKeyPolicy GetKeyRotationStatus GetParametersForImport \
    GetPublicKey ImportKeyMaterial ListAliases ListGrants ListKeyPolicies ListKeyRotations ListKeys \
    ListResourceTags ListRetirableGrants PutKeyPolicy ReEncryptFrom ReEncryptTo ReplicateKey RetireGrant \
    RevokeGrant RotateKeyOnDemand ScheduleKeyDeletion Sign TagResource UntagResource UpdateAlias \
    UpdateCustomKeyStore UpdateKeyDescription UpdatePrimaryRegion Verify VerifyMac";

pub const S3: &str = "\
    AbortMultipartUpload BypassGovernanceRetention CreateAccessPoint CreateAccessPointForObjectLambda CreateBucket \
    CreateBucketMetadataTableConfiguration CreateJob CreateMultiRegionAccessPoint CreateStorageLensGroup \
    DeleteAccessPoint DeleteAccessPointForObjectLambda DeleteAccessPointPolicy \
    DeleteAccessPointPolicyForObjectLambda DeleteBucket DeleteBucketMetadataTableConfiguration \
    DeleteBucketOwnershipControls DeleteBucketPolicy DeleteBucketWebsite DeleteJobTagging \
    DeleteMultiRegionAccessPoint DeleteObject DeleteObjectTagging DeleteObjectVersion DeleteObjectVersionTagging \
    DeleteStorageLensConfiguration DeleteStorageLensConfigurationTagging DeleteStorageLensGroup DescribeJob \
    DescribeMultiRegionAccessPointOperation GetAccelerateConfiguration GetAccessPoint \
    GetAccessPointConfigurationForObjectLambda GetAccessPointForObjectLambda GetAccessPointPolicy \
    GetAccessPointPolicyForObjectLambda GetAccessPointPolicyStatus GetAccessPointPolicyStatusForObjectLambda \
    GetAccountPublicAccessBlock GetAnalyticsConfiguration GetBucketAcl GetBucketCORS GetBucketLocation \
    GetBucketLogging GetBucketMetadataTableConfiguration GetBucketNotification GetBucketObjectLockConfiguration \
    GetBucketOwnershipControls GetBucketPolicy GetBucketPolicyStatus GetBucketPublicAccessBlock \
    GetBucketRequestPayment GetBucketTagging GetBucketVersioning GetBucketWebsite GetEncryptionConfiguration \
    GetIntelligentTieringConfiguration GetInventoryConfiguration GetJobTagging GetLifecycleConfiguration \
    GetMetricsConfiguration GetMultiRegionAccessPoint GetMultiRegionAccessPointPolicy \
    GetMultiRegionAccessPointPolicyStatus GetObject GetObjectAcl GetObjectAttributes GetObjectLegalHold \
    GetObjectRetention GetObjectTagging GetObjectTorrent GetObjectVersion GetObjectVersionAcl \
    GetObjectVersionAttributes GetObjectVersionForReplication GetObjectVersionTagging GetObjectVersionTorrent \
    GetReplicationConfiguration GetStorageLensConfiguration GetStorageLensConfigurationTagging \
    GetStorageLensDashboard GetStorageLensGroup InitiateReplication ListAccessPoints \
    ListAccessPointsForObjectLambda ListAllMyBuckets ListBucket ListBucketMultipartUploads ListBucketVersions \
    ListJobs ListMultiRegionAccessPoints ListMultipartUploadParts ListStorageLensConfigurations \
    ListStorageLensGroups ListTagsForResource ObjectOwnerOverrideToBucketOwner PutAccelerateConfiguration \
    PutAccessPointConfigurationForObjectLambda PutAccessPointPolicy PutAccessPointPolicyForObjectLambda \
    PutAccessPointPublicAccessBlock PutAccountPublicAccessBlock PutAnalyticsConfiguration PutBucketAcl \
    PutBucketCORS PutBucketLogging PutBucketNotification PutBucketObjectLockConfiguration \
    PutBucketOwnershipControls PutBucketPolicy PutBucketPublicAccessBlock PutBucketRequestPayment PutBucketTagging \
    PutBucketVersioning PutBucketWebsite PutEncryptionConfiguration PutIntelligentTieringConfiguration \
    PutInventoryConfiguration PutJobTagging PutLifecycleConfiguration PutMetricsConfiguration \
    PutMultiRegionAccessPointPolicy PutObject PutObjectAcl PutObjectLegalHold PutObjectRetention PutObjectTagging \
    PutObjectVersionAcl PutObjectVersionTagging PutReplicationConfiguration PutStorageLensConfiguration \
    PutStorageLensConfigurationTagging ReplicateDelete ReplicateObject ReplicateTags RestoreObject \
    SubmitMultiRegionAccessPointRoutes TagResource UntagResource UpdateJobPriority UpdateJobStatus \
    UpdateStorageLensGroup";

pub const EC2: &str = "\
    AcceptAddressTransfer AcceptCapacityReservationBillingOwnership AcceptReservedInstancesExchangeQuote \
    AcceptTransitGatewayClientVpnAttachment AcceptTransitGatewayMulticastDomainAssociations \
    AcceptTransitGatewayPeeringAttachment AcceptTransitGatewayVpcAttachment AcceptVpcEndpointConnections \
    AcceptVpcPeeringConnection AdvertiseByoipCidr AllocateAddress AllocateHosts AllocateIpamPoolCidr \
    ApplySecurityGroupsToClientVpnTargetNetwork AssignIpv6Addresses AssignPrivateIpAddresses \
    AssignPrivateNatGatewayAddress AssociateAddress AssociateApplicationStatusCheck \
    AssociateCapacityReservationBillingOwner AssociateClientVpnTargetNetwork AssociateDhcpOptions \
    AssociateEnclaveCertificateIamRole AssociateIamInstanceProfile AssociateInstanceEventWindow \
    AssociateIpamByoasn AssociateIpamResourceDiscovery AssociateNatGatewayAddress AssociateRouteServer \
    AssociateRouteTable AssociateSecurityGroupVpc AssociateSubnetCidrBlock AssociateTransitGatewayMulticastDomain \
    AssociateTransitGatewayPolicyTable AssociateTransitGatewayRouteTable AssociateTrunkInterface \
    AssociateVpcCidrBlock AttachClassicLinkVpc AttachImageWatermark AttachInternetGateway AttachNetworkInterface \
    AttachVerifiedAccessTrustProvider AttachVolume AttachVpnGateway AuthorizeClientVpnIngress \
    AuthorizeSecurityGroupEgress AuthorizeSecurityGroupIngress BatchModifyIpamRoutingPolicyRegistrations \
    BundleInstance CancelBundleTask CancelCapacityReservation CancelCapacityReservationFleets CancelConversionTask \
    CancelDeclarativePoliciesReport CancelExportTask CancelImageLaunchPermission CancelImportTask \
    CancelReservedInstancesListing CancelSpotFleetRequests CancelSpotInstanceRequests ConfirmProductInstance \
    CopyFpgaImage CopyImage CopySnapshot CopyVolumes CreateApplicationStatusCheck CreateCapacityManagerDataExport \
    CreateCapacityReservation CreateCapacityReservationBySplitting CreateCapacityReservationCancellationQuote \
    CreateCapacityReservationFleet CreateCarrierGateway CreateClientVpnEndpoint CreateClientVpnRoute \
    CreateCoipCidr CreateCoipPool CreateCustomerGateway CreateDefaultSubnet CreateDefaultVpc \
    CreateDelegateMacVolumeOwnershipTask CreateDhcpOptions CreateEgressOnlyInternetGateway CreateFleet \
    CreateFlowLogs CreateFpgaImage CreateImage CreateImageUsageReport CreateInstanceConnectEndpoint \
    CreateInstanceEventWindow CreateInstanceExportTask CreateInternetGateway \
    CreateInterruptibleCapacityReservationAllocation CreateIpam CreateIpamExternalResourceVerificationToken \
    CreateIpamInternetRegistryAssociation CreateIpamPolicy CreateIpamPool CreateIpamPrefixListResolver \
    CreateIpamPrefixListResolverTarget CreateIpamResourceDiscovery CreateIpamRoutingPolicyRegistration \
    CreateIpamScope CreateKeyPair CreateLaunchTemplate CreateLaunchTemplateVersion CreateLocalGatewayRoute \
    CreateLocalGatewayRouteTable CreateLocalGatewayRouteTableVirtualInterfaceGroupAssociation \
    CreateLocalGatewayRouteTableVpcAssociation CreateLocalGatewayVirtualInterface \
    CreateLocalGatewayVirtualInterfaceGroup CreateMacSystemIntegrityProtectionModificationTask \
    CreateManagedPrefixList CreateNatGateway CreateNetworkAcl CreateNetworkAclEntry \
    CreateNetworkInsightsAccessScope CreateNetworkInsightsPath CreateNetworkInterface \
    CreateNetworkInterfacePermission CreatePlacementGroup CreatePublicIpv4Pool CreateReplaceRootVolumeTask \
    CreateReservedInstancesListing CreateRestoreImageTask CreateRoute CreateRouteServer CreateRouteServerEndpoint \
    CreateRouteServerPeer CreateRouteTable CreateSecondaryNetwork CreateSecondarySubnet CreateSecurityGroup \
    CreateSnapshot CreateSnapshots CreateSpotDatafeedSubscription CreateStoreImageTask CreateSubnet \
    CreateSubnetCidrReservation CreateTags CreateTrafficMirrorFilter CreateTrafficMirrorFilterRule \
    CreateTrafficMirrorSession CreateTrafficMirrorTarget CreateTransitGateway CreateTransitGatewayConnect \
    CreateTransitGatewayConnectPeer CreateTransitGatewayMeteringPolicy CreateTransitGatewayMeteringPolicyEntry \
    CreateTransitGatewayMulticastDomain CreateTransitGatewayPeeringAttachment CreateTransitGatewayPolicyTable \
    CreateTransitGatewayPolicyTableEntry CreateTransitGatewayPrefixListReference CreateTransitGatewayRoute \
    CreateTransitGatewayRouteTable CreateTransitGatewayRouteTableAnnouncement CreateTransitGatewayVpcAttachment \
    CreateVerifiedAccessEndpoint CreateVerifiedAccessGroup CreateVerifiedAccessInstance \
    CreateVerifiedAccessTrustProvider CreateVolume CreateVpc CreateVpcBlockPublicAccessExclusion \
    CreateVpcEncryptionControl CreateVpcEndpoint CreateVpcEndpointConnectionNotification \
    CreateVpcEndpointServiceConfiguration CreateVpcPeeringConnection CreateVpnConcentrator CreateVpnConnection \
    CreateVpnConnectionRoute CreateVpnGateway DeleteApplicationStatusCheck DeleteCapacityManagerDataExport \
    DeleteCarrierGateway DeleteClientVpnEndpoint DeleteClientVpnRoute DeleteCoipCidr DeleteCoipPool \
    DeleteCustomerGateway DeleteDhcpOptions DeleteEgressOnlyInternetGateway DeleteFleets DeleteFlowLogs \
    DeleteFpgaImage DeleteImageUsageReport DeleteInstanceConnectEndpoint DeleteInstanceEventWindow \
    DeleteInternetGateway DeleteIpam DeleteIpamExternalResourceVerificationToken \
    DeleteIpamInternetRegistryAssociation DeleteIpamPolicy DeleteIpamPool DeleteIpamPrefixListResolver \
    DeleteIpamPrefixListResolverTarget DeleteIpamResourceDiscovery DeleteIpamRoutingPolicyRegistration \
    DeleteIpamScope DeleteKeyPair DeleteLaunchTemplate DeleteLaunchTemplateVersions DeleteLocalGatewayRoute \
    DeleteLocalGatewayRouteTable DeleteLocalGatewayRouteTableVirtualInterfaceGroupAssociation \
    DeleteLocalGatewayRouteTableVpcAssociation DeleteLocalGatewayVirtualInterface \
    DeleteLocalGatewayVirtualInterfaceGroup DeleteManagedPrefixList DeleteNatGateway DeleteNetworkAcl \
    DeleteNetworkAclEntry DeleteNetworkInsightsAccessScope DeleteNetworkInsightsAccessScopeAnalysis \
    DeleteNetworkInsightsAnalysis DeleteNetworkInsightsPath DeleteNetworkInterface \
    DeleteNetworkInterfacePermission DeletePlacementGroup DeletePublicIpv4Pool DeleteQueuedReservedInstances \
    DeleteRoute DeleteRouteServer DeleteRouteServerEndpoint DeleteRouteServerPeer DeleteRouteTable \
    DeleteSecondaryNetwork DeleteSecondarySubnet DeleteSecurityGroup DeleteSnapshot DeleteSpotDatafeedSubscription \
    DeleteSubnet DeleteSubnetCidrReservation DeleteTags DeleteTrafficMirrorFilter DeleteTrafficMirrorFilterRule \
    DeleteTrafficMirrorSession DeleteTrafficMirrorTarget DeleteTransitGateway \
    DeleteTransitGatewayClientVpnAttachment DeleteTransitGatewayConnect DeleteTransitGatewayConnectPeer \
    DeleteTransitGatewayMeteringPolicy DeleteTransitGatewayMeteringPolicyEntry DeleteTransitGatewayMulticastDomain \
    DeleteTransitGatewayPeeringAttachment DeleteTransitGatewayPolicyTable DeleteTransitGatewayPolicyTableEntry \
    DeleteTransitGatewayPrefixListReference DeleteTransitGatewayRoute DeleteTransitGatewayRouteTable \
    DeleteTransitGatewayRouteTableAnnouncement DeleteTransitGatewayVpcAttachment DeleteVerifiedAccessEndpoint \
    DeleteVerifiedAccessGroup DeleteVerifiedAccessInstance DeleteVerifiedAccessTrustProvider DeleteVolume \
    DeleteVpc DeleteVpcBlockPublicAccessExclusion DeleteVpcEncryptionControl \
    DeleteVpcEndpointConnectionNotifications DeleteVpcEndpointServiceConfigurations DeleteVpcEndpoints \
    DeleteVpcPeeringConnection DeleteVpnConcentrator DeleteVpnConnection DeleteVpnConnectionRoute DeleteVpnGateway \
    DeprovisionByoipCidr DeprovisionIpamByoasn DeprovisionIpamPoolCidr DeprovisionPublicIpv4PoolCidr \
    DeregisterImage DeregisterInstanceEventNotificationAttributes DeregisterTransitGatewayMulticastGroupMembers \
    DeregisterTransitGatewayMulticastGroupSources DescribeAccountAttributes DescribeAccountVpcEncryptionControl \
    DescribeAddressTransfers DescribeAddresses DescribeAddressesAttribute DescribeAggregateIdFormat \
    DescribeApplicationStatus DescribeApplicationStatusCheckAssociations DescribeApplicationStatusChecks \
    DescribeAvailabilityZones DescribeAwsNetworkPerformanceMetricSubscriptions DescribeBundleTasks \
    DescribeByoipCidrs DescribeCapacityBlockExtensionHistory DescribeCapacityBlockExtensionOfferings \
    DescribeCapacityBlockOfferings DescribeCapacityBlockStatus DescribeCapacityBlocks \
    DescribeCapacityManagerDataExports DescribeCapacityReservationBillingRequests \
    DescribeCapacityReservationCancellationQuotes DescribeCapacityReservationFleets \
    DescribeCapacityReservationTopology DescribeCapacityReservations DescribeCarrierGateways \
    DescribeClassicLinkInstances DescribeClientVpnAuthorizationRules DescribeClientVpnConnections \
    DescribeClientVpnEndpoints DescribeClientVpnRoutes DescribeClientVpnTargetNetworks DescribeCoipPools \
    DescribeConversionTasks DescribeCustomerGateways DescribeDeclarativePoliciesReports DescribeDhcpOptions \
    DescribeEgressOnlyInternetGateways DescribeElasticGpus DescribeExportImageTasks DescribeExportTasks \
    DescribeFastLaunchImages DescribeFastSnapshotRestores DescribeFleetHistory DescribeFleetInstances \
    DescribeFleets DescribeFlowLogs DescribeFpgaImageAttribute DescribeFpgaImages DescribeHostReservationOfferings \
    DescribeHostReservations DescribeHosts DescribeIamInstanceProfileAssociations DescribeIdFormat \
    DescribeIdentityIdFormat DescribeImageAttribute DescribeImageReferences DescribeImageUsageReportEntries \
    DescribeImageUsageReports DescribeImages DescribeImportImageTasks DescribeImportSnapshotTasks \
    DescribeInstanceAttribute DescribeInstanceConnectEndpoints DescribeInstanceCreditSpecifications \
    DescribeInstanceEventNotificationAttributes DescribeInstanceEventWindows DescribeInstanceImageMetadata \
    DescribeInstanceSqlHaHistoryStates DescribeInstanceSqlHaStates DescribeInstanceStatus DescribeInstanceTopology \
    DescribeInstanceTypeOfferings DescribeInstanceTypes DescribeInstances DescribeInternetGateways \
    DescribeIpamByoasn DescribeIpamExternalResourceVerificationTokens DescribeIpamInternetRegistryAssociations \
    DescribeIpamPolicies DescribeIpamPoolAllocations DescribeIpamPools DescribeIpamPrefixListResolverTargets \
    DescribeIpamPrefixListResolvers DescribeIpamResourceDiscoveries DescribeIpamResourceDiscoveryAssociations \
    DescribeIpamScopes DescribeIpams DescribeIpv6Pools DescribeKeyPairs DescribeLaunchTemplateVersions \
    DescribeLaunchTemplates DescribeLocalGatewayRouteTableVirtualInterfaceGroupAssociations \
    DescribeLocalGatewayRouteTableVpcAssociations DescribeLocalGatewayRouteTables \
    DescribeLocalGatewayVirtualInterfaceGroups DescribeLocalGatewayVirtualInterfaces DescribeLocalGateways \
    DescribeLockedSnapshots DescribeMacHosts DescribeMacModificationTasks DescribeManagedPrefixLists \
    DescribeMovingAddresses DescribeNatGateways DescribeNetworkAcls DescribeNetworkInsightsAccessScopeAnalyses \
    DescribeNetworkInsightsAccessScopes DescribeNetworkInsightsAnalyses DescribeNetworkInsightsPaths \
    DescribeNetworkInterfaceAttribute DescribeNetworkInterfacePermissions DescribeNetworkInterfaces \
    DescribeOutpostLags DescribePlacementGroups DescribePrefixLists DescribePrincipalIdFormat \
    DescribePublicIpv4Pools DescribeRegions DescribeReplaceRootVolumeTasks DescribeReservedInstances \
    DescribeReservedInstancesListings DescribeReservedInstancesModifications DescribeReservedInstancesOfferings \
    DescribeRouteServerEndpoints DescribeRouteServerPeers DescribeRouteServers DescribeRouteTables \
    DescribeScheduledInstanceAvailability DescribeScheduledInstances DescribeSecondaryInterfaces \
    DescribeSecondaryNetworks DescribeSecondarySubnets DescribeSecurityGroupReferences DescribeSecurityGroupRules \
    DescribeSecurityGroupVpcAssociations DescribeSecurityGroups DescribeServiceLinkVirtualInterfaces \
    DescribeSnapshotAttribute DescribeSnapshotTierStatus DescribeSnapshots DescribeSpotDatafeedSubscription \
    DescribeSpotFleetInstances DescribeSpotFleetRequestHistory DescribeSpotFleetRequests \
    DescribeSpotInstanceRequests DescribeSpotPriceHistory DescribeStaleSecurityGroups DescribeStoreImageTasks \
    DescribeSubnets DescribeTags DescribeTrafficMirrorFilterRules DescribeTrafficMirrorFilters \
    DescribeTrafficMirrorSessions DescribeTrafficMirrorTargets DescribeTransitGatewayAttachments \
    DescribeTransitGatewayConnectPeers DescribeTransitGatewayConnects DescribeTransitGatewayMeteringPolicies \
    DescribeTransitGatewayMulticastDomains DescribeTransitGatewayPeeringAttachments \
    DescribeTransitGatewayPolicyTables DescribeTransitGatewayRouteTableAnnouncements \
    DescribeTransitGatewayRouteTables DescribeTransitGatewayVpcAttachments DescribeTransitGateways \
    DescribeTrunkInterfaceAssociations DescribeVerifiedAccessEndpoints DescribeVerifiedAccessGroups \
    DescribeVerifiedAccessInstanceLoggingConfigurations DescribeVerifiedAccessInstances \
    DescribeVerifiedAccessTrustProviders DescribeVolumeAttribute DescribeVolumeStatus DescribeVolumes \
    DescribeVolumesModifications DescribeVpcAttribute DescribeVpcBlockPublicAccessExclusions \
    DescribeVpcBlockPublicAccessOptions DescribeVpcClassicLink DescribeVpcClassicLinkDnsSupport \
    DescribeVpcEncryptionControls DescribeVpcEndpointAssociations DescribeVpcEndpointConnectionNotifications \
    DescribeVpcEndpointConnections DescribeVpcEndpointServiceConfigurations DescribeVpcEndpointServicePermissions \
    DescribeVpcEndpointServices DescribeVpcEndpoints DescribeVpcPeeringConnections DescribeVpcs \
    DescribeVpnConcentrators DescribeVpnConnections DescribeVpnGateways DetachClassicLinkVpc DetachImageWatermark \
    DetachInternetGateway DetachNetworkInterface DetachVerifiedAccessTrustProvider DetachVolume DetachVpnGateway \
    DisableAddressTransfer DisableAllowedImagesSettings DisableApplicationStatusCheckSuppression \
    DisableAwsNetworkPerformanceMetricSubscription DisableCapacityManager DisableEbsEncryptionByDefault \
    DisableFastLaunch DisableFastSnapshotRestores DisableImage DisableImageBlockPublicAccess \
    DisableImageDeprecation DisableImageDeregistrationProtection DisableInstanceSqlHaStandbyDetections \
    DisableIpamOrganizationAdminAccount DisableIpamPolicy DisableRouteServerPropagation DisableSerialConsoleAccess \
    DisableSnapshotBlockPublicAccess DisableTransitGatewayRouteTablePropagation DisableVgwRoutePropagation \
    DisableVpcClassicLink DisableVpcClassicLinkDnsSupport DisassociateAddress DisassociateApplicationStatusCheck \
    DisassociateCapacityReservationBillingOwner DisassociateClientVpnTargetNetwork \
    DisassociateEnclaveCertificateIamRole DisassociateIamInstanceProfile DisassociateInstanceEventWindow \
    DisassociateIpamByoasn DisassociateIpamResourceDiscovery DisassociateNatGatewayAddress DisassociateRouteServer \
    DisassociateRouteTable DisassociateSecurityGroupVpc DisassociateSubnetCidrBlock \
    DisassociateTransitGatewayMulticastDomain DisassociateTransitGatewayPolicyTable \
    DisassociateTransitGatewayRouteTable DisassociateTrunkInterface DisassociateVpcCidrBlock EnableAddressTransfer \
    EnableAllowedImagesSettings EnableApplicationStatusCheckSuppression \
    EnableAwsNetworkPerformanceMetricSubscription EnableCapacityManager EnableEbsEncryptionByDefault \
    EnableFastLaunch EnableFastSnapshotRestores EnableImage EnableImageBlockPublicAccess EnableImageDeprecation \
    EnableImageDeregistrationProtection EnableInstanceSqlHaStandbyDetections EnableIpamInternetRegistryAssociation \
    EnableIpamOrganizationAdminAccount EnableIpamPolicy EnableReachabilityAnalyzerOrganizationSharing \
    EnableRouteServerPropagation EnableSerialConsoleAccess EnableSnapshotBlockPublicAccess \
    EnableTransitGatewayRouteTablePropagation EnableVgwRoutePropagation EnableVolumeIO EnableVpcClassicLink \
    EnableVpcClassicLinkDnsSupport ExportClientVpnClientCertificateRevocationList \
    ExportClientVpnClientConfiguration ExportImage ExportTransitGatewayRoutes \
    ExportVerifiedAccessInstanceClientConfiguration GetActiveVpnTunnelStatus GetAllowedImagesSettings \
    GetAssociatedEnclaveCertificateIamRoles GetAssociatedIpv6PoolCidrs GetAwsNetworkPerformanceData \
    GetCapacityManagerAttributes GetCapacityManagerMetricData GetCapacityManagerMetricDimensions \
    GetCapacityManagerMonitoredTagKeys GetCapacityReservationUsage GetCoipPoolUsage GetConsoleOutput \
    GetConsoleScreenshot GetDeclarativePoliciesReportSummary GetDefaultCreditSpecification GetEbsDefaultKmsKeyId \
    GetEbsEncryptionByDefault GetEnabledIpamPolicy GetFlowLogsIntegrationTemplate GetGroupsForCapacityReservation \
    GetHostReservationPurchasePreview GetImageAncestry GetImageBlockPublicAccessState GetInstanceMetadataDefaults \
    GetInstanceTpmEkPub GetInstanceTypesFromInstanceRequirements GetInstanceUefiData GetIpamAddressHistory \
    GetIpamDiscoveredAccounts GetIpamDiscoveredPublicAddresses GetIpamDiscoveredResourceCidrs \
    GetIpamDiscoveredRoutes GetIpamInternetRegistryAssociationAsns GetIpamInternetRegistryAssociationCidrs \
    GetIpamPolicyAllocationRules GetIpamPolicyOrganizationTargets GetIpamPoolAllocations GetIpamPoolCidrs \
    GetIpamPrefixListResolverRules GetIpamPrefixListResolverVersionEntries GetIpamPrefixListResolverVersions \
    GetIpamResourceCidrs GetIpamRouteOriginAuthorizations GetIpamRouteProtectionFindings \
    GetIpamRoutingPolicyRegistrationDeltas GetIpamRoutingPolicyRegistrations GetLaunchTemplateData \
    GetManagedPrefixListAssociations GetManagedPrefixListEntries GetManagedResourceVisibility \
    GetNetworkInsightsAccessScopeAnalysisFindings GetNetworkInsightsAccessScopeContent GetPasswordData \
    GetReservedInstancesExchangeQuote GetRouteServerAssociations GetRouteServerPropagations \
    GetRouteServerRoutingDatabase GetSecurityGroupsForVpc GetSerialConsoleAccessStatus \
    GetSnapshotBlockPublicAccessState GetSpotPlacementScores GetSubnetCidrReservations \
    GetTransitGatewayAttachmentPropagations GetTransitGatewayMeteringPolicyEntries \
    GetTransitGatewayMulticastDomainAssociations GetTransitGatewayPolicyTableAssociations \
    GetTransitGatewayPolicyTableEntries GetTransitGatewayPrefixListReferences \
    GetTransitGatewayRouteTableAssociations GetTransitGatewayRouteTablePropagations \
    GetVerifiedAccessEndpointPolicy GetVerifiedAccessEndpointTargets GetVerifiedAccessGroupPolicy \
    GetVpcResourcesBlockingEncryptionEnforcement GetVpnConnectionDeviceSampleConfiguration \
    GetVpnConnectionDeviceTypes GetVpnTunnelReplacementStatus ImportClientVpnClientCertificateRevocationList \
    ImportImage ImportInstance ImportKeyPair ImportSnapshot ImportVolume ListImagesInRecycleBin \
    ListSnapshotsInRecycleBin ListVolumesInRecycleBin LockSnapshot ModifyAccountVpcEncryptionControl \
    ModifyAddressAttribute ModifyApplicationStatusCheck ModifyAvailabilityZoneGroup ModifyCapacityReservation \
    ModifyCapacityReservationFleet ModifyClientVpnEndpoint ModifyDefaultCreditSpecification \
    ModifyEbsDefaultKmsKeyId ModifyFleet ModifyFpgaImageAttribute ModifyHosts ModifyIdFormat \
    ModifyIdentityIdFormat ModifyImageAttribute ModifyInstanceAttribute \
    ModifyInstanceCapacityReservationAttributes ModifyInstanceConnectEndpoint ModifyInstanceCpuOptions \
    ModifyInstanceCreditSpecification ModifyInstanceEventStartTime ModifyInstanceEventWindow \
    ModifyInstanceMaintenanceOptions ModifyInstanceMetadataDefaults ModifyInstanceMetadataOptions \
    ModifyInstanceNetworkPerformanceOptions ModifyInstancePlacement ModifyIpam ModifyIpamPolicyAllocationRules \
    ModifyIpamPool ModifyIpamPoolAllocation ModifyIpamPrefixListResolver ModifyIpamPrefixListResolverTarget \
    ModifyIpamResourceCidr ModifyIpamResourceDiscovery ModifyIpamRoutingPolicyRegistration ModifyIpamScope \
    ModifyLaunchTemplate ModifyLocalGatewayRoute ModifyManagedPrefixList ModifyManagedResourceVisibility \
    ModifyNetworkInterfaceAttribute ModifyPrivateDnsNameOptions ModifyPublicIpDnsNameOptions \
    ModifyReservedInstances ModifyRouteServer ModifySecurityGroupRules ModifySnapshotAttribute ModifySnapshotTier \
    ModifySpotFleetRequest ModifySubnetAttribute ModifyTrafficMirrorFilterNetworkServices \
    ModifyTrafficMirrorFilterRule ModifyTrafficMirrorSession ModifyTransitGateway \
    ModifyTransitGatewayMeteringPolicy ModifyTransitGatewayPolicyTableEntry \
    ModifyTransitGatewayPrefixListReference ModifyTransitGatewayVpcAttachment ModifyVerifiedAccessEndpoint \
    ModifyVerifiedAccessEndpointPolicy ModifyVerifiedAccessGroup ModifyVerifiedAccessGroupPolicy \
    ModifyVerifiedAccessInstance ModifyVerifiedAccessInstanceLoggingConfiguration \
    ModifyVerifiedAccessTrustProvider ModifyVolume ModifyVolumeAttribute ModifyVpcAttribute \
    ModifyVpcBlockPublicAccessExclusion ModifyVpcBlockPublicAccessOptions ModifyVpcEncryptionControl \
    ModifyVpcEndpoint ModifyVpcEndpointConnectionNotification ModifyVpcEndpointPayerResponsibility \
    ModifyVpcEndpointServiceConfiguration ModifyVpcEndpointServicePayerResponsibility \
    ModifyVpcEndpointServicePermissions ModifyVpcPeeringConnectionOptions ModifyVpcTenancy ModifyVpnConnection \
    ModifyVpnConnectionOptions ModifyVpnTunnelCertificate ModifyVpnTunnelOptions MonitorInstances MoveAddressToVpc \
    MoveByoipCidrToIpam MoveCapacityReservationInstances ProvisionByoipCidr ProvisionIpamByoasn \
    ProvisionIpamPoolCidr ProvisionPublicIpv4PoolCidr PurchaseCapacityBlock PurchaseCapacityBlockExtension \
    PurchaseHostReservation PurchaseReservedInstancesOffering PurchaseScheduledInstances RebootInstances \
    RegisterImage RegisterInstanceEventNotificationAttributes RegisterTransitGatewayMulticastGroupMembers \
    RegisterTransitGatewayMulticastGroupSources RejectCapacityReservationBillingOwnership \
    RejectTransitGatewayClientVpnAttachment RejectTransitGatewayMulticastDomainAssociations \
    RejectTransitGatewayPeeringAttachment RejectTransitGatewayVpcAttachment RejectVpcEndpointConnections \
    RejectVpcPeeringConnection ReleaseAddress ReleaseHosts ReleaseIpamPoolAllocation \
    ReplaceIamInstanceProfileAssociation ReplaceImageCriteriaInAllowedImagesSettings ReplaceNetworkAclAssociation \
    ReplaceNetworkAclEntry ReplaceRoute ReplaceRouteTableAssociation ReplaceTransitGatewayRoute ReplaceVpnTunnel \
    ReportInstanceStatus RequestSpotFleet RequestSpotInstances ResetAddressAttribute ResetEbsDefaultKmsKeyId \
    ResetFpgaImageAttribute ResetImageAttribute ResetInstanceAttribute ResetNetworkInterfaceAttribute \
    ResetSnapshotAttribute RestoreAddressToClassic RestoreImageFromRecycleBin RestoreManagedPrefixListVersion \
    RestoreSnapshotFromRecycleBin RestoreSnapshotTier RestoreVolumeFromRecycleBin RevokeClientVpnIngress \
    RevokeSecurityGroupEgress RevokeSecurityGroupIngress RunInstances RunScheduledInstances \
    SearchLocalGatewayRoutes SearchTransitGatewayMulticastGroups SearchTransitGatewayRoutes \
    SendDiagnosticInterrupt StartDeclarativePoliciesReport StartInstances StartNetworkInsightsAccessScopeAnalysis \
    StartNetworkInsightsAnalysis StartVpcEndpointServicePrivateDnsVerification StopInstances \
    TerminateClientVpnConnections TerminateInstances UnassignIpv6Addresses UnassignPrivateIpAddresses \
    UnassignPrivateNatGatewayAddress UnlockSnapshot UnmonitorInstances UpdateCapacityManagerMonitoredTagKeys \
    UpdateCapacityManagerOrganizationsAccess UpdateInterruptibleCapacityReservationAllocation \
    UpdateSecurityGroupRuleDescriptionsEgress UpdateSecurityGroupRuleDescriptionsIngress WithdrawByoipCidr";

pub const ROUTE53: &str = "\
    ActivateKeySigningKey AssociateVPCWithHostedZone ChangeCidrCollection ChangeResourceRecordSets \
    ChangeTagsForResource CreateCidrCollection CreateHealthCheck CreateHostedZone CreateKeySigningKey \
    CreateQueryLoggingConfig CreateReusableDelegationSet CreateTrafficPolicy CreateTrafficPolicyInstance \
    CreateTrafficPolicyVersion CreateVPCAssociationAuthorization DeactivateKeySigningKey DeleteCidrCollection \
    DeleteHealthCheck DeleteHostedZone DeleteKeySigningKey DeleteQueryLoggingConfig DeleteReusableDelegationSet \
    DeleteTrafficPolicy DeleteTrafficPolicyInstance DeleteVPCAssociationAuthorization DisableHostedZoneDNSSEC \
    DisassociateVPCFromHostedZone EnableHostedZoneDNSSEC GetAccountLimit GetChange GetCheckerIpRanges GetDNSSEC \
    GetGeoLocation GetHealthCheck GetHealthCheckCount GetHealthCheckLastFailureReason GetHealthCheckStatus \
    GetHostedZone GetHostedZoneCount GetHostedZoneLimit GetQueryLoggingConfig GetReusableDelegationSet \
    GetReusableDelegationSetLimit GetTrafficPolicy GetTrafficPolicyInstance GetTrafficPolicyInstanceCount \
    ListCidrBlocks ListCidrCollections ListCidrLocations ListGeoLocations ListHealthChecks ListHostedZones \
    ListHostedZonesByName ListHostedZonesByVPC ListQueryLoggingConfigs ListResourceRecordSets \
    ListReusableDelegationSets ListTagsForResource ListTagsForResources ListTrafficPolicies \
    ListTrafficPolicyInstances ListTrafficPolicyInstancesByHostedZone ListTrafficPolicyInstancesByPolicy \
    ListTrafficPolicyVersions ListVPCAssociationAuthorizations TestDNSAnswer UpdateHealthCheck \
    UpdateHostedZoneComment UpdateHostedZoneFeatures UpdateTrafficPolicyComment UpdateTrafficPolicyInstance";

pub const ROUTE53DOMAINS: &str = "\
    AcceptDomainTransferFromAnotherAwsAccount AssociateDelegationSignerToDomain \
    CancelDomainTransferToAnotherAwsAccount CheckDomainAvailability CheckDomainTransferability DeleteDomain \
    DeleteTagsForDomain DisableDomainAutoRenew DisableDomainTransferLock DisassociateDelegationSignerFromDomain \
    EnableDomainAutoRenew EnableDomainTransferLock GetContactReachabilityStatus GetDomainDetail \
    GetDomainSuggestions GetOperationDetail ListDomains ListOperations ListPrices ListTagsForDomain PushDomain \
    RegisterDomain RejectDomainTransferFromAnotherAwsAccount RenewDomain ResendContactReachabilityEmail \
    ResendOperationAuthorization RetrieveDomainAuthCode TransferDomain TransferDomainToAnotherAwsAccount \
    UpdateDomainContact UpdateDomainContactPrivacy UpdateDomainNameservers UpdateTagsForDomain ViewBilling";

pub const ORGANIZATIONS: &str = "\
    AcceptHandshake AttachPolicy CancelHandshake CloseAccount CreateAccount CreateGovCloudAccount \
    CreateOrganization CreateOrganizationalUnit CreatePolicy DeclineHandshake DeleteOrganization \
    DeleteOrganizationalUnit DeletePolicy DeleteResourcePolicy DeregisterDelegatedAdministrator DescribeAccount \
    DescribeCreateAccountStatus DescribeEffectivePolicy DescribeHandshake DescribeOrganization \
    DescribeOrganizationalUnit DescribePolicy DescribeResourcePolicy DescribeResponsibilityTransfer DetachPolicy \
    DisableAWSServiceAccess DisablePolicyType EnableAWSServiceAccess EnableAllFeatures EnablePolicyType \
    InviteAccountToOrganization InviteOrganizationToTransferResponsibility LeaveOrganization \
    ListAWSServiceAccessForOrganization ListAccounts ListAccountsForParent ListAccountsWithInvalidEffectivePolicy \
    ListChildren ListCreateAccountStatus ListDelegatedAdministrators ListDelegatedServicesForAccount \
    ListEffectivePolicyValidationErrors ListHandshakesForAccount ListHandshakesForOrganization \
    ListInboundResponsibilityTransfers ListOrganizationalUnitsForParent ListOutboundResponsibilityTransfers \
    ListParents ListPolicies ListPoliciesForTarget ListRoots ListTagsForResource ListTargetsForPolicy MoveAccount \
    PutResourcePolicy RegisterDelegatedAdministrator RemoveAccountFromOrganization TagResource \
    TerminateResponsibilityTransfer UntagResource UpdateOrganizationalUnit UpdatePolicy \
    UpdateResponsibilityTransfer";
