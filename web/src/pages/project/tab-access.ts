import type { ProjectTab } from "../../app/paths.ts";

type Can = (resource: string, action: string) => boolean;

/**
 * Which tabs a user may use, from the permissions the server gives for the project. Robot accounts and configuration
 * are for project admins and maintainers (as Harbor's portal shows them): of the policy's grants, reading the project's
 * metadata is the one those two roles hold and developers and guests do not, so it marks them. The policy tab holds
 * immutability (admins, maintainers) and retention (developers too).
 */
export function tabAllowed(tab: ProjectTab, can: Can): boolean {
	switch (tab) {
		case "summary":
			return true;
		case "repositories":
			return can("repository", "list");
		case "members":
			return can("member", "list");
		case "labels":
			return can("label", "list");
		case "policy":
			return can("immutable-tag", "list") || can("tag-retention", "read");
		case "robots":
			return can("robot", "list") && can("metadata", "read");
		case "webhooks":
			return can("notification-policy", "list");
		case "logs":
			return can("log", "list");
		case "configuration":
			return can("metadata", "read");
	}
}
