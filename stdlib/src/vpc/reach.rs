//! Reachability analysis, the way VPC Reachability Analyzer explains a path: it reads the
//! configuration (it sends no packets) and walks the hops a connection takes, recording the
//! rule that decided at each one, and names the component that blocks it.
//!
//! Rules (numbered; tests cite them):
//! 1. Forward path, leaving an interface: the source's security groups must allow the
//!    traffic out (any rule of any group: groups are allow-only and evaluated as a set).
//! 2. Crossing a subnet boundary: the source subnet's network ACL must allow it outbound,
//!    the destination subnet's ACL inbound — lowest rule number first, first match decides,
//!    the final `*` rule denies. Traffic within one subnet meets no ACL.
//! 3. Routing: the source subnet's route table (its explicit association, else the main
//!    table) picks the most specific route; a route whose target is gone is a blackhole.
//! 4. Internet gateway, outbound: the interface needs a public IPv4 address; inbound: the
//!    traffic must be addressed to a public IPv4 address of an interface in the VPC.
//! 5. NAT gateway: it carries connections that start inside the VPC only; it must sit in a
//!    subnet whose route table sends the traffic to an internet gateway, and it remaps the
//!    source port into 1024-65535. Nothing from the internet can open a connection through it.
//! 6. Peering is not transitive: a peering connection carries traffic only to or from the
//!    two VPCs it joins (no edge-to-edge routing to the peer's gateways).
//! 7. The destination's security groups must allow the traffic in (from the source's
//!    address, or from a group the source's interface belongs to, in the same VPC or a
//!    peered one).
//! 8. Return path: security groups are stateful (responses pass whatever the rules say);
//!    network ACLs are stateless, so each ACL on the way back must allow the response to the
//!    client's ephemeral port (1024-65535 unless the request says otherwise), and the
//!    destination subnet's route table must route the response back the same way.
//!
//! Simplified: IPv4 only; one interface per instance; no transit gateways, VPN or
//! endpoints; source/destination checks and middlebox routes are not followed.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::error::VpcError as E;
use super::model::*;
use crate::world::{AwsError, ErrorCode};

/// The address the simulator uses for "somewhere on the internet" (RFC 5737 TEST-NET-3,
/// the same address callers come from by default).
pub const INTERNET_HOST: &str = "203.0.113.10";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReachableRequest {
    /// An instance (`i-`), a network interface (`eni-`), an internet gateway (`igw-`, meaning
    /// the internet behind it), `internet`, or an IPv4 address.
    pub source: String,
    pub destination: String,
    /// `tcp` (default), `udp` or `icmp`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// Destination port (tcp/udp); for icmp, the ICMP type (default 8, echo request).
    #[serde(default)]
    pub port: Option<i64>,
    /// The client's ephemeral port range for the return path, `"1024-65535"` by default.
    #[serde(default)]
    pub ephemeral_ports: Option<String>,
}

/// One hop of the path.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Hop {
    pub step: i64,
    /// `forward` or `return`.
    pub direction: String,
    pub component: String,
    pub r#type: String,
    /// The rule or route that decided, in words.
    pub detail: String,
    /// `allow`, `deny`, `route`, `pass`.
    pub decision: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Blocked {
    pub component: String,
    pub r#type: String,
    pub direction: String,
    /// Reachability Analyzer's explanation code (`ENI_SG_RULES_MISMATCH`, ...).
    pub explanation_code: String,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReachableResponse {
    pub reachable: bool,
    pub source: String,
    pub destination: String,
    pub protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    pub path: Vec<Hop>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<Blocked>,
}

#[derive(Clone, Debug, PartialEq)]
enum End {
    Eni(String),
    Internet { ip: Ipv4Addr, igw: Option<String> },
}

type Ports = Vec<(u16, u16)>;

struct Walk<'a> {
    net: &'a RegionNet,
    proto: Proto,
    port: u16,
    path: Vec<Hop>,
    direction: &'static str,
}

type Step = Result<(), Blocked>;

impl<'a> Walk<'a> {
    fn hop(&mut self, component: &str, ty: &str, detail: impl Into<String>, decision: &str) {
        let step = self.path.len() as i64 + 1;
        self.path.push(Hop { step, direction: self.direction.into(), component: component.into(), r#type: ty.into(), detail: detail.into(), decision: decision.into() });
    }

    fn block(&mut self, component: &str, ty: &str, detail: impl Into<String>, code: &str, why: impl Into<String>) -> Blocked {
        let detail = detail.into();
        self.hop(component, ty, detail, "deny");
        Blocked { component: component.into(), r#type: ty.into(), direction: self.direction.into(), explanation_code: code.into(), explanation: why.into() }
    }

    fn what(&self) -> String {
        match self.proto {
            p if p.has_ports() => format!("{} port {}", p.sg_name(), self.port),
            p => p.sg_name(),
        }
    }

    /// Rule 1 / rule 7: a security group rule of `eni` must admit the traffic.
    fn security_groups(&mut self, eni: &NetworkInterface, inbound: bool, peer: Ipv4Addr, peer_groups: &[String]) -> Step {
        for g in &eni.groups {
            let Some(sg) = self.net.security_groups.get(g) else { continue };
            let rules = if inbound { &sg.ingress } else { &sg.egress };
            if let Some(r) = rules.iter().find(|r| r.admits(self.proto, self.port, peer, peer_groups)) {
                let detail = format!("{}: {}", sg.name, r.describe(inbound));
                self.hop(&sg.id, "security group", detail, "allow");
                return Ok(());
            }
        }
        let comp = eni.groups.first().cloned().unwrap_or_else(|| eni.id.clone());
        let dir = if inbound { "inbound" } else { "outbound" };
        let names: Vec<String> = eni.groups.iter().filter_map(|g| self.net.security_groups.get(g)).map(|g| format!("{} ({})", g.id, g.name)).collect();
        let what = self.what();
        Err(self.block(
            &comp,
            "security group",
            format!("no {dir} rule allows {what} {} {peer}", if inbound { "from" } else { "to" }),
            "ENI_SG_RULES_MISMATCH",
            format!("None of the security groups of {} [{}] has an {dir} rule that allows {what} {} {peer}.", eni.id, names.join(", "), if inbound { "from" } else { "to" }),
        ))
    }

    /// Rule 2 / rule 8: the subnet's network ACL, for destination ports `ports`. Returns the
    /// ports it allows (non-empty) or blocks.
    fn acl(&mut self, subnet: &Subnet, egress: bool, peer: Ipv4Addr, ports: &Ports) -> Result<Ports, Blocked> {
        let Some(acl) = self.net.acl_of(subnet) else { return Ok(ports.clone()) };
        let mut allowed: Ports = Vec::new();
        let mut verdicts = Vec::new();
        for (lo, hi) in ports {
            verdicts.extend(acl.evaluate(egress, self.proto, peer, *lo, *hi));
        }
        verdicts.sort_by_key(|v| v.lo);
        for v in verdicts.iter().filter(|v| v.allowed) {
            allowed.push((v.lo, v.hi));
        }
        let dir = if egress { "outbound" } else { "inbound" };
        let to_from = if egress { "to" } else { "from" };
        let port_text = |lo: u16, hi: u16| if lo == hi { format!("port {lo}") } else { format!("ports {lo}-{hi}") };
        match verdicts.iter().find(|v| v.allowed) {
            Some(v) => {
                let detail = format!("{dir} {} {to_from} {peer}: {}", port_text(v.lo, v.hi), v.rule);
                self.hop(&acl.id, "network ACL", detail, "allow");
                Ok(allowed)
            }
            None => {
                let v = verdicts.first().cloned();
                let rule = v.as_ref().map(|v| v.rule.clone()).unwrap_or_default();
                let (lo, hi) = v.map(|v| (v.lo, v.hi)).unwrap_or((0, 0));
                let ret = if self.direction == "return" { " (return traffic: network ACLs are stateless)" } else { "" };
                Err(self.block(
                    &acl.id,
                    "network ACL",
                    format!("{dir} {} {to_from} {peer}: {rule}", port_text(lo, hi)),
                    "SUBNET_ACL_RESTRICTION",
                    format!("The network ACL {} of {} does not allow {dir} {} {} {to_from} {peer}{ret}.", acl.id, subnet.id, self.proto.sg_name(), port_text(lo, hi)),
                ))
            }
        }
    }

    /// Rule 3: the route a subnet uses for `dst`, checked for a live target.
    fn route(&mut self, subnet: &Subnet, dst: Ipv4Addr) -> Result<Target, Blocked> {
        let Some(table) = self.net.route_table_of(subnet) else {
            return Err(self.block(&subnet.id, "subnet", "no route table", "NO_ROUTE_TO_DESTINATION", format!("Subnet {} has no route table.", subnet.id)));
        };
        let Some(r) = table.lookup(dst) else {
            return Err(self.block(
                &table.id,
                "route table",
                format!("no route matches {dst}"),
                "NO_ROUTE_TO_DESTINATION",
                format!("Route table {} (used by {}) has no route that matches {dst}.", table.id, subnet.id),
            ));
        };
        if self.net.route_state(table, r) == "blackhole" {
            return Err(self.block(
                &table.id,
                "route table",
                format!("{} -> {} (blackhole)", r.dest, r.target.id()),
                "BAD_STATE_ROUTE",
                format!("The route {} -> {} in {} is a blackhole: its target no longer exists or is detached.", r.dest, r.target.id(), table.id),
            ));
        }
        self.hop(&table.id, "route table", format!("{dst} matches {} -> {}", r.dest, r.target.id()), "route");
        Ok(r.target.clone())
    }

    /// Rule 8: security groups pass the response to a request they allowed.
    fn stateful(&mut self, eni: &NetworkInterface) {
        let g = eni.groups.first().cloned().unwrap_or_else(|| eni.id.clone());
        self.hop(&g, "security group", "stateful: the response to an allowed request is allowed", "allow");
    }

    fn subnet(&self, eni: &NetworkInterface) -> &'a Subnet {
        &self.net.subnets[&eni.subnet_id]
    }
}

fn eph_range(s: Option<&str>) -> Result<(u16, u16), AwsError> {
    let s = s.unwrap_or("1024-65535");
    let bad = || E::InvalidParameterValue.err(format!("`EphemeralPorts` must look like `1024-65535`, not `{s}`"));
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (a, b): (u16, u16) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

fn resolve(net: &RegionNet, s: &str) -> Result<End, AwsError> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("internet") {
        return Ok(End::Internet { ip: INTERNET_HOST.parse().unwrap(), igw: None });
    }
    if s.starts_with("i-") {
        let i = net.instances.get(s).ok_or_else(|| E::InvalidInstanceIdNotFound.err(format!("The instance ID '{s}' does not exist")))?;
        if i.state != "running" {
            return Err(E::IncorrectState.err(format!("The instance '{s}' is not running.")));
        }
        return Ok(End::Eni(i.eni_id.clone()));
    }
    if s.starts_with("eni-") {
        net.interfaces.get(s).ok_or_else(|| E::InvalidNetworkInterfaceIdNotFound.err(format!("The networkInterface ID '{s}' does not exist")))?;
        return Ok(End::Eni(s.into()));
    }
    if s.starts_with("igw-") {
        net.internet_gateways.get(s).ok_or_else(|| E::InvalidInternetGatewayIdNotFound.err(format!("The internetGateway ID '{s}' does not exist")))?;
        return Ok(End::Internet { ip: INTERNET_HOST.parse().unwrap(), igw: Some(s.into()) });
    }
    if let Ok(ip) = s.parse::<Ipv4Addr>() {
        if let Some(e) = net.interfaces.values().find(|e| e.addresses().any(|a| a == ip) || e.public_ip == Some(ip)) {
            return Ok(End::Eni(e.id.clone()));
        }
        return Ok(End::Internet { ip, igw: None });
    }
    Err(E::InvalidParameterValue.err(format!("`{s}` is not an instance, network interface, internet gateway, IPv4 address or `internet`")))
}

/// How traffic left the source's VPC towards the internet.
struct Exit {
    /// The address the far side sees as the source.
    seen_as: Ipv4Addr,
    /// Return-path ports at the far side (NAT remaps the source port).
    far_ports: Ports,
}

/// Analyses `req` in `net`.
pub fn analyze(net: &RegionNet, req: &ReachableRequest) -> Result<ReachableResponse, AwsError> {
    let proto = match req.protocol.as_deref().unwrap_or("tcp").to_ascii_lowercase().as_str() {
        "tcp" => TCP,
        "udp" => UDP,
        "icmp" => ICMP,
        other => return Err(E::InvalidParameterValue.err(format!("`Protocol` must be tcp, udp or icmp, not `{other}`"))),
    };
    let port = match (proto, req.port) {
        (p, Some(n)) if (0..=65535).contains(&n) && p.has_ports() => n as u16,
        (p, None) if p.has_ports() => return Err(E::MissingParameter.err("`Port` is required for tcp and udp")),
        (p, Some(n)) if p.has_ports() => return Err(E::InvalidParameterValue.err(format!("`Port` must be 0-65535, not {n}"))),
        (_, n) => n.unwrap_or(8).clamp(0, 255) as u16,
    };
    let eph = eph_range(req.ephemeral_ports.as_deref())?;
    let src = resolve(net, &req.source)?;
    let dst = resolve(net, &req.destination)?;
    let mut w = Walk { net, proto, port, path: Vec::new(), direction: "forward" };
    let outcome = match (&src, &dst) {
        (End::Eni(s), End::Eni(d)) if s == d => Err(E::InvalidParameterValue.err("Source and destination are the same network interface"))?,
        (End::Eni(s), End::Eni(d)) => eni_to_eni(&mut w, &net.interfaces[s], &net.interfaces[d], eph),
        (End::Eni(s), End::Internet { ip, igw }) => eni_to_internet(&mut w, &net.interfaces[s], *ip, igw.as_deref(), eph).map(|_| ()),
        (End::Internet { ip, igw }, End::Eni(d)) => internet_to_eni(&mut w, *ip, igw.as_deref(), &net.interfaces[d], &vec![eph]),
        _ => Err(E::InvalidParameterValue.err("At least one end of the path must be an instance or a network interface"))?,
    };
    let protocol = proto.sg_name();
    Ok(ReachableResponse {
        reachable: outcome.is_ok(),
        source: req.source.clone(),
        destination: req.destination.clone(),
        protocol,
        port: if proto.has_ports() { Some(port as i64) } else { None },
        path: w.path,
        blocked_by: outcome.err(),
    })
}

/// How a path names an interface: by its instance when it has one.
fn eni_label(e: &NetworkInterface) -> (String, String) {
    match &e.instance_id {
        Some(i) => (i.clone(), "instance".into()),
        None => (e.id.clone(), "network interface".into()),
    }
}

fn eni_to_eni(w: &mut Walk<'_>, s: &NetworkInterface, d: &NetworkInterface, eph: (u16, u16)) -> Step {
    let net = w.net;
    let (ss, ds) = (w.subnet(s), w.subnet(d));
    // Private path when the source's route table sends the private address somewhere useful
    // (same VPC, or a peering); otherwise over the internet to a public address.
    let private = s.vpc_id == d.vpc_id
        || net.route_table_of(ss).and_then(|t| t.lookup(d.private_ip)).is_some_and(|r| matches!(r.target, Target::Peering(_) | Target::Local))
        || d.public_ip.is_none();
    if !private {
        let public = d.public_ip.unwrap();
        let exit = eni_to_internet(w, s, public, None, eph)?;
        return internet_to_eni(w, exit.seen_as, None, d, &exit.far_ports);
    }
    let (label, ty) = eni_label(s);
    w.hop(&label, &ty, format!("{} in {} sends {} to {}", s.private_ip, ss.id, w.what(), d.private_ip), "pass");
    w.security_groups(s, false, d.private_ip, &d.groups)?;
    let crosses = ss.id != ds.id;
    let fwd = vec![(w.port, w.port)];
    if crosses {
        w.acl(ss, true, d.private_ip, &fwd)?;
    }
    match w.route(ss, d.private_ip)? {
        Target::Local if s.vpc_id == d.vpc_id => {}
        Target::Peering(p) => {
            let pcx = &net.peerings[&p];
            if pcx.other(&s.vpc_id) != Some(d.vpc_id.as_str()) {
                return Err(w.block(
                    &p,
                    "peering connection",
                    format!("{p} joins {} and {}", pcx.requester_vpc, pcx.accepter_vpc),
                    "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
                    format!("Peering connection {p} does not connect {} to {}: peering is not transitive.", s.vpc_id, d.vpc_id),
                ));
            }
            w.hop(&p, "peering connection", format!("{} -> {}", s.vpc_id, d.vpc_id), "pass");
        }
        other => {
            return Err(w.block(
                other.id(),
                "route target",
                format!("{} cannot deliver to {} in {}", other.id(), d.private_ip, d.vpc_id),
                "NO_ROUTE_TO_DESTINATION",
                format!("The route for {} leads to {}, which cannot deliver to a private address in {}.", d.private_ip, other.id(), d.vpc_id),
            ));
        }
    }
    if crosses {
        w.acl(ds, false, s.private_ip, &fwd)?;
    }
    w.security_groups(d, true, s.private_ip, &s.groups)?;
    let (label, ty) = eni_label(d);
    w.hop(&label, &ty, format!("{} receives {}", d.private_ip, w.what()), "pass");
    // Rule 8: the response.
    w.direction = "return";
    w.stateful(d);
    let mut ports = vec![eph];
    if crosses {
        ports = w.acl(ds, true, s.private_ip, &ports)?;
    }
    if s.vpc_id != d.vpc_id {
        match w.route(ds, s.private_ip)? {
            Target::Peering(_) => {}
            other => {
                return Err(w.block(
                    other.id(),
                    "route target",
                    format!("the response to {} would go to {}", s.private_ip, other.id()),
                    "NO_ROUTE_TO_DESTINATION",
                    format!("The route table of {} does not send responses for {} back through the peering connection.", ds.id, s.private_ip),
                ));
            }
        }
    }
    if crosses {
        w.acl(ss, false, d.private_ip, &ports)?;
    }
    w.stateful(s);
    w.direction = "forward";
    Ok(())
}

/// Source interface to an internet address: returns how the traffic looks at the far end.
fn eni_to_internet(w: &mut Walk<'_>, s: &NetworkInterface, dst: Ipv4Addr, igw: Option<&str>, eph: (u16, u16)) -> Result<Exit, Blocked> {
    let net = w.net;
    let ss = w.subnet(s);
    let (label, ty) = eni_label(s);
    w.hop(&label, &ty, format!("{} in {} sends {} to {dst}", s.private_ip, ss.id, w.what()), "pass");
    w.security_groups(s, false, dst, &[])?;
    let fwd = vec![(w.port, w.port)];
    w.acl(ss, true, dst, &fwd)?;
    let exit = match w.route(ss, dst)? {
        Target::Gateway(g) => {
            if igw.is_some_and(|want| want != g) {
                return Err(w.block(&g, "internet gateway", format!("traffic leaves through {g}, not {}", igw.unwrap_or_default()), "NO_ROUTE_TO_DESTINATION", "The route table sends this traffic to a different internet gateway."));
            }
            let Some(public) = s.public_ip else {
                return Err(w.block(
                    &g,
                    "internet gateway",
                    format!("{} has no public IPv4 address", s.id),
                    "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
                    format!("The internet gateway {g} drops traffic from {}: the interface has no public IPv4 address (a public subnet also needs instances with public addresses).", s.private_ip),
                ));
            };
            w.hop(&g, "internet gateway", format!("translates {} to public {public}", s.private_ip), "pass");
            w.hop("internet", "internet", format!("{dst} receives {} from {public}", w.what()), "pass");
            // Return: the response comes back through the gateway into the subnet.
            w.direction = "return";
            w.hop(&g, "internet gateway", format!("translates {public} back to {}", s.private_ip), "pass");
            w.acl(ss, false, dst, &vec![eph])?;
            w.stateful(s);
            w.direction = "forward";
            Exit { seen_as: public, far_ports: vec![eph] }
        }
        Target::Nat(n) => {
            let nat = &net.nat_gateways[&n];
            let ns = &net.subnets[&nat.subnet_id];
            let Some(public) = nat.public_ip.filter(|_| nat.connectivity == "public") else {
                return Err(w.block(&n, "NAT gateway", "private NAT gateway", "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", format!("{n} is a private NAT gateway: it has no public address and cannot reach the internet.")));
            };
            let nat_ports = vec![(1024, 65535)];
            if ns.id != ss.id {
                w.acl(ns, false, s.private_ip, &fwd)?;
            }
            w.hop(&n, "NAT gateway", format!("translates {} to {public}, source port remapped into 1024-65535", s.private_ip), "pass");
            match w.route(ns, dst)? {
                Target::Gateway(g) => {
                    w.acl(ns, true, dst, &fwd)?;
                    w.hop(&g, "internet gateway", format!("carries {public} (the NAT gateway's Elastic IP)"), "pass");
                    w.hop("internet", "internet", format!("{dst} receives {} from {public}", w.what()), "pass");
                }
                other => {
                    return Err(w.block(
                        other.id(),
                        "route target",
                        format!("the NAT gateway's subnet {} sends {dst} to {}", ns.id, other.id()),
                        "NO_ROUTE_TO_DESTINATION",
                        format!("A NAT gateway must sit in a public subnet: the route table of {} does not send {dst} to an internet gateway.", ns.id),
                    ));
                }
            }
            w.direction = "return";
            w.acl(ns, false, dst, &nat_ports)?;
            w.hop(&n, "NAT gateway", format!("translates {public} back to {}", s.private_ip), "pass");
            if ns.id != ss.id {
                w.acl(ns, true, s.private_ip, &vec![eph])?;
                w.acl(ss, false, dst, &vec![eph])?;
            }
            w.stateful(s);
            w.direction = "forward";
            Exit { seen_as: public, far_ports: nat_ports }
        }
        Target::Peering(p) => {
            return Err(w.block(
                &p,
                "peering connection",
                format!("{dst} is outside both VPCs"),
                "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
                format!("Peering connection {p} carries traffic only to addresses in the peer VPC; it cannot be used to reach the internet through the peer's gateways."),
            ));
        }
        other => {
            return Err(w.block(other.id(), "route target", format!("{} does not lead to the internet", other.id()), "NO_ROUTE_TO_DESTINATION", format!("The route for {dst} leads to {}, which does not reach the internet.", other.id())));
        }
    };
    Ok(exit)
}

/// An internet address to a destination interface (addressed at its public IPv4 address).
fn internet_to_eni(w: &mut Walk<'_>, src: Ipv4Addr, igw: Option<&str>, d: &NetworkInterface, far_ports: &Ports) -> Step {
    let net = w.net;
    let ds = w.subnet(d);
    if !w.path.iter().any(|h| h.component == "internet") {
        w.hop("internet", "internet", format!("{src} sends {}", w.what()), "pass");
    }
    let Some(gw) = net.internet_gateways.values().find(|g| g.vpc_id.as_deref() == Some(&d.vpc_id)) else {
        return Err(w.block(&d.vpc_id, "VPC", "no internet gateway attached", "NO_ROUTE_TO_DESTINATION", format!("{} has no internet gateway: nothing from the internet can enter it.", d.vpc_id)));
    };
    if igw.is_some_and(|want| want != gw.id) {
        return Err(w.block(igw.unwrap_or_default(), "internet gateway", format!("not attached to {}", d.vpc_id), "NO_ROUTE_TO_DESTINATION", format!("{} is not the internet gateway of {}.", igw.unwrap_or_default(), d.vpc_id)));
    }
    let Some(public) = d.public_ip.filter(|_| d.interface_type == "interface") else {
        return Err(w.block(
            &gw.id,
            "internet gateway",
            format!("{} has no public IPv4 address", d.id),
            "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
            format!(
                "The internet gateway {} accepts inbound traffic only for public IPv4 addresses of interfaces in the VPC; {} has only the private address {} (a NAT gateway does not accept connections from outside).",
                gw.id, d.id, d.private_ip
            ),
        ));
    };
    w.hop(&gw.id, "internet gateway", format!("translates public {public} to {}", d.private_ip), "pass");
    let fwd = vec![(w.port, w.port)];
    w.acl(ds, false, src, &fwd)?;
    w.security_groups(d, true, src, &[])?;
    let (label, ty) = eni_label(d);
    w.hop(&label, &ty, format!("{} receives {} from {src}", d.private_ip, w.what()), "pass");
    w.direction = "return";
    w.stateful(d);
    w.acl(ds, true, src, far_ports)?;
    match w.route(ds, src)? {
        Target::Gateway(g) if g == gw.id => {
            w.hop(&g, "internet gateway", format!("translates {} back to {public}", d.private_ip), "pass");
        }
        other => {
            return Err(w.block(
                other.id(),
                "route target",
                format!("the response to {src} would leave through {}", other.id()),
                "NO_ROUTE_TO_DESTINATION",
                format!(
                    "{} is not a public subnet: its route table sends the response to {src} to {} instead of the internet gateway {} (a public subnet has a route to an internet gateway).",
                    ds.id,
                    other.id(),
                    gw.id
                ),
            ));
        }
    }
    w.direction = "forward";
    Ok(())
}
