import { grantList as expand } from "./policy.ts";

/** What a robot may be granted at system level (harbor-notes §1.4, Harbor 2.12+). */
export const systemGrantable = expand({
	"audit-log": "L",
	"preheat-instance": "C R U D L",
	project: "L C",
	"replication-policy": "C R U D L",
	replication: "R C L",
	"replication-adapter": "L",
	registry: "C R U D L",
	"scan-all": "R U C stop",
	"system-volumes": "R",
	"garbage-collection": "R C L U stop",
	"purge-audit": "R C L U stop",
	"jobservice-monitor": "L stop",
	scanner: "C R U D L",
	label: "C R U D",
	"security-hub": "R L",
	catalog: "R",
	quota: "R L U",
	robot: "C R L D",
	user: "C R U D L",
	"ldap-user": "C L",
	"user-group": "C R U D L",
});

/** What a robot may be granted in a project (harbor-notes §1.4, Harbor 2.12+). */
export const projectGrantable = expand({
	log: "L",
	project: "R U D",
	metadata: "C R U D L",
	repository: "R U D L pull push",
	artifact: "C R D L",
	scan: "C R stop",
	sbom: "C R stop",
	tag: "C D L",
	accessory: "L",
	"artifact-addition": "R",
	"artifact-label": "C D",
	scanner: "C R",
	"preheat-policy": "C R U D L",
	"immutable-tag": "C R U D L",
	"notification-policy": "C R U D L",
	"tag-retention": "C R U D L",
	label: "C R U D L",
	quota: "R",
	robot: "C R L D",
	"export-cve": "C R",
	member: "C R U D L",
});

const key = (resource: string, action: string) => `${resource}\0${action}`;
const systemSet = new Set(
	systemGrantable.map((g) => key(g.resource, g.action)),
);
const projectSet = new Set(
	projectGrantable.map((g) => key(g.resource, g.action)),
);

export const grantable = (
	kind: "system" | "project",
	resource: string,
	action: string,
) => (kind === "system" ? systemSet : projectSet).has(key(resource, action));
