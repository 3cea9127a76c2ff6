//! VPC: CIDR planning, VPCs and subnets with AWS's reserved addresses, route tables with
//! longest-prefix match, internet/NAT/egress-only gateways, peering, security groups,
//! network ACLs, a minimal instance/network-interface model, and a reachability check
//! that explains a path the way VPC Reachability Analyzer does.
//!
//! Layout: [`cidr`] (CIDR math on `ipnet` and the subnet planner), [`model`] (the state and
//! the rules that decide traffic), [`views`] (EC2's response shapes), [`ops`] (one function
//! per EC2 operation), [`reach`] (the path analysis), [`error`] (EC2's error codes),
//! [`bindings`] (the `vpc::` script module; the only file that knows Rhai).
//!
//! Modelled as AWS documents it:
//! - VPC IPv4 blocks /16-/28 (`InvalidVpc.Range`), canonicalised; secondary blocks (quota 5,
//!   adjustable with `vpc::set_quota`) with the 2023 association-restriction table and
//!   their automatic local routes; an Amazon-provided IPv6 /56 per VPC and /64 subnets.
//! - Subnets in one AZ inside one VPC block, never overlapping (`InvalidSubnet.Range`,
//!   `InvalidSubnet.Conflict`), `AvailableIpAddressCount` = size - 5 reserved - addresses in
//!   use; private addresses are handed out lowest-first and never one of the five reserved.
//! - DNS attributes with AWS's defaults (support on; hostnames on only in the default VPC);
//!   DHCP option sets are immutable: create a new one and associate it.
//! - The default VPC (172.31.0.0/16, a /20 default subnet per AZ that maps public IPs on
//!   launch, an attached internet gateway routed from the main table, default security
//!   group and network ACL). Decision: it is created lazily, the first time any `vpc::`
//!   operation touches an account's region (even one that then fails), so worlds that never
//!   use VPC consume no random ids for it; it is created once, and once deleted it stays
//!   deleted until `vpc::create_default_vpc()`.
//! - Route tables: main and custom, local routes, longest-prefix match, blackholes when a
//!   target is deleted or detached, the rule that routes into the VPC's own range may only
//!   target interfaces, instances or NAT gateways.
//! - Security groups: allow-only, stateful, rules as a set, references to groups; the
//!   default group's self-reference; `CannotDelete` for it. Network ACLs: numbered rules
//!   1-32766 lowest first, the final `*` deny (listed as 32767), default ACL allows all, a new
//!   one denies all, stateless (responses need ephemeral-port rules).
//! - `DependencyViolation` when deleting a VPC, subnet, gateway, route table, network ACL,
//!   DHCP options set or security group that is still in use.
//!
//! Simplified (and said so): everything is `available` at once (no pending states, so no
//! clock hooks); peering only within one account and region, and overlapping VPCs make the
//! request `failed` at once; one network interface per instance; no VPN, transit gateway,
//! endpoints or prefix lists; Describe* operations do not paginate; where AWS picks an AZ
//! (CreateSubnet or RunInstances without one) the region's first AZ is used, and private
//! addresses are handed out lowest-first (AWS picks any free one). Where AWS documents
//! no exact message, messages follow EC2's style and say what is wrong.
//!
//! Instances: [`model::Instance`] is deliberately minimal (an `i-` id, a subnet, a primary
//! network interface holding the addresses and security groups, running or terminated).
//! The EBS module keeps its own light instance model for volume attachment; both are keyed
//! by EC2 instance ids so they can be unified.

pub mod bindings;
pub mod cidr;
pub mod error;
pub mod model;
pub mod ops;
pub mod reach;
pub mod views;

#[cfg(test)]
mod script_tests;

pub use model::VpcState;

use crate::world::{Timestamp, World};

/// Nothing in the VPC module waits on the clock (resources are available at once).
pub fn next_due(_w: &World) -> Option<Timestamp> {
    None
}

pub fn run_due(_w: &mut World, _now: Timestamp) {}

/// True if `vpc_id` exists in `account`'s `region` (for Route 53 private hosted zones).
pub fn vpc_exists(w: &World, account: &str, region: &str, vpc_id: &str) -> bool {
    w.vpc.net(account, region).is_some_and(|n| n.vpcs.contains_key(vpc_id))
}

/// The instance `id` launched by `vpc::run_instances` in `account`'s `region` (for EBS, which
/// attaches volumes to any EC2 instance).
pub fn instance<'w>(w: &'w World, account: &str, region: &str, id: &str) -> Option<&'w model::Instance> {
    w.vpc.net(account, region)?.instances.get(id)
}
