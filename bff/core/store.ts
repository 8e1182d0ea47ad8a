import { refreshTopLevel } from './top-level.ts';
import { sql, type Selectable, type Transaction } from 'kysely';
import { now, type Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

export type Tx = Db | Transaction<Database>;

export type ArtifactRow = Selectable<Database['artifacts']>;

/** Everything a manifest push records, committed in one transaction once its bytes are durable. */
export type ManifestRecord = {
  projectId: number;
  repositoryId: number;
  digest: string;
  size: number;
  manifestMediaType: string;
  type: string;
  configMediaType: string;
  artifactType: string | null;
  subjectDigest: string | null;
  annotations: Record<string, string> | null;
  blobs: string[];
  children: { digest: string; platform: unknown; annotations: unknown }[];
  tags: string[];
};

/** SQL for the registry core: projects, repositories, blob links, uploads, artifacts, tags. */
export function createRegistryStore(db: Db) {
  return {
    db,

    findProject: (name: string) =>
      db.selectFrom('projects').select(['id', 'name', 'public']).where('name', '=', name).executeTakeFirst(),

    findRepository: (name: string) =>
      db.selectFrom('repositories').select(['id', 'project_id', 'name']).where('name', '=', name).executeTakeFirst(),

    async ensureRepository(projectId: number, name: string): Promise<number> {
      const t = now();
      await db.insertInto('repositories')
        .values({ project_id: projectId, name, description: '', pull_count: 0, creation_time: t, update_time: t })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await db.selectFrom('repositories').select('id').where('name', '=', name).executeTakeFirstOrThrow();
      return row.id;
    },

    /** Records durable bytes and links them to a repository (and so its project, for quota). */
    async linkBlob(repositoryId: number, projectId: number, digest: string, size: number, mediaType: string, tx: Tx = db) {
      const t = now();
      await tx.insertInto('blobs').values({ digest, size, media_type: mediaType, creation_time: t })
        .onConflict((oc) => oc.column('digest').doNothing()).execute();
      await tx.insertInto('repository_blobs').values({ repository_id: repositoryId, digest, linked_at: t })
        .onConflict((oc) => oc.columns(['repository_id', 'digest']).doNothing()).execute();
      await tx.insertInto('project_blobs').values({ project_id: projectId, digest, creation_time: t })
        .onConflict((oc) => oc.columns(['project_id', 'digest']).doNothing()).execute();
    },

    linkedBlob: (repositoryId: number, digest: string) =>
      db.selectFrom('repository_blobs')
        .innerJoin('blobs', 'blobs.digest', 'repository_blobs.digest')
        .select(['blobs.digest', 'blobs.size', 'blobs.media_type'])
        .where('repository_blobs.repository_id', '=', repositoryId)
        .where('repository_blobs.digest', '=', digest)
        .executeTakeFirst(),

    async linkedDigests(repositoryId: number, digests: string[]): Promise<Set<string>> {
      if (digests.length === 0) return new Set();
      const rows = await db.selectFrom('repository_blobs').select('digest')
        .where('repository_id', '=', repositoryId).where('digest', 'in', digests).execute();
      return new Set(rows.map((r) => r.digest));
    },

    unlinkBlob: (repositoryId: number, digest: string) =>
      db.deleteFrom('repository_blobs').where('repository_id', '=', repositoryId).where('digest', '=', digest)
        .executeTakeFirst().then((r) => Number(r.numDeletedRows) > 0),

    findBlob: (digest: string) =>
      db.selectFrom('blobs').select(['digest', 'size', 'media_type']).where('digest', '=', digest).executeTakeFirst(),

    /** Repositories (with their projects) that hold a blob: candidates for an automatic cross-repository mount. */
    repositoriesHolding: (digest: string, limit = 20) =>
      db.selectFrom('repository_blobs')
        .innerJoin('repositories', 'repositories.id', 'repository_blobs.repository_id')
        .select(['repositories.name'])
        .where('repository_blobs.digest', '=', digest).limit(limit).execute(),

    // ---- uploads
    createUpload: (row: { id: string; repositoryId: number; principal: string; algorithm: string }) => {
      const t = now();
      return db.insertInto('uploads').values({
        id: row.id, repository_id: row.repositoryId, principal: row.principal, offset: 0,
        hash_algorithm: row.algorithm, creation_time: t, last_activity: t,
      }).execute();
    },

    findUpload: (id: string) => db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Takes the upload for one writer at a known offset; a racing writer, or a stale offset, gets false. */
    async claimUpload(id: string, offset: number, token: string, leaseMs: number): Promise<boolean> {
      const t = new Date();
      const r = await db.updateTable('uploads')
        .set({ lease_token: token, lease_until: new Date(t.getTime() + leaseMs).toISOString(), last_activity: t.toISOString() })
        .where('id', '=', id).where('offset', '=', offset)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', t.toISOString())]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** Moves the offset forward and lets the upload go (compare-and-set on the lease). */
    releaseUpload: (id: string, token: string, offset: number) =>
      db.updateTable('uploads').set({ offset, lease_token: null, lease_until: null, last_activity: now() })
        .where('id', '=', id).where('lease_token', '=', token).execute(),

    deleteUpload: (id: string) => db.deleteFrom('uploads').where('id', '=', id).execute(),

    staleUploads: (before: string) => db.selectFrom('uploads').select('id').where('last_activity', '<', before).execute(),

    // ---- manifests and tags
    findArtifact: (repositoryId: number, digest: string) =>
      db.selectFrom('artifacts').selectAll().where('repository_id', '=', repositoryId).where('digest', '=', digest).executeTakeFirst(),

    findTagged: (repositoryId: number, tag: string) =>
      db.selectFrom('tags').innerJoin('artifacts', 'artifacts.id', 'tags.artifact_id')
        .selectAll('artifacts')
        .where('tags.repository_id', '=', repositoryId).where('tags.name', '=', tag).executeTakeFirst(),

    async artifactIdsByDigest(repositoryId: number, digests: string[]): Promise<Map<string, number>> {
      if (digests.length === 0) return new Map();
      const rows = await db.selectFrom('artifacts').select(['id', 'digest'])
        .where('repository_id', '=', repositoryId).where('digest', 'in', digests).execute();
      return new Map(rows.map((r) => [r.digest, r.id]));
    },

    /** Records a pushed manifest: the artifact, its blob references, index children and tag, in one transaction. */
    async recordManifest(m: ManifestRecord): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const t = now();
        await this.linkBlob(m.repositoryId, m.projectId, m.digest, m.size, m.manifestMediaType, tx);
        await tx.insertInto('artifacts').values({
          project_id: m.projectId, repository_id: m.repositoryId, digest: m.digest, type: m.type,
          media_type: m.configMediaType, manifest_media_type: m.manifestMediaType, artifact_type: m.artifactType,
          size: m.size, subject_digest: m.subjectDigest, annotations: m.annotations ? JSON.stringify(m.annotations) : null,
          push_time: t, pull_time: null,
        }).onConflict((oc) => oc.columns(['repository_id', 'digest']).doUpdateSet({ push_time: t })).execute();
        const artifact = await tx.selectFrom('artifacts').select('id')
          .where('repository_id', '=', m.repositoryId).where('digest', '=', m.digest).executeTakeFirstOrThrow();
        if (m.blobs.length) {
          await tx.insertInto('artifact_blobs').values(m.blobs.map((digest) => ({ artifact_id: artifact.id, digest })))
            .onConflict((oc) => oc.columns(['artifact_id', 'digest']).doNothing()).execute();
        }
        if (m.children.length) {
          const ids = await tx.selectFrom('artifacts').select(['id', 'digest'])
            .where('repository_id', '=', m.repositoryId).where('digest', 'in', m.children.map((c) => c.digest)).execute();
          const idOf = new Map(ids.map((r) => [r.digest, r.id]));
          await tx.insertInto('artifact_references').values(m.children.map((c) => ({
            parent_id: artifact.id, child_id: idOf.get(c.digest)!, child_digest: c.digest,
            platform: c.platform ? JSON.stringify(c.platform) : null, annotations: c.annotations ? JSON.stringify(c.annotations) : null,
          }))).onConflict((oc) => oc.columns(['parent_id', 'child_digest']).doNothing()).execute();
        }
        const touched = [artifact.id, ...(await tx.selectFrom('artifact_references').select('child_id').where('parent_id', '=', artifact.id).execute()).map((r) => r.child_id)];
        if (m.tags.length) {
          // A tag moved off another artifact may leave that one untagged (and no longer top-level).
          const previous = await tx.selectFrom('tags').select('artifact_id').where('repository_id', '=', m.repositoryId).where('name', 'in', m.tags).execute();
          touched.push(...previous.map((r) => r.artifact_id));
        }
        for (const name of m.tags) {
          await tx.insertInto('tags').values({ repository_id: m.repositoryId, artifact_id: artifact.id, name, push_time: t, pull_time: null })
            .onConflict((oc) => oc.columns(['repository_id', 'name']).doUpdateSet({ artifact_id: artifact.id, push_time: t }))
            .execute();
        }
        await refreshTopLevel(tx, touched);
        await tx.updateTable('repositories').set({ update_time: t }).where('id', '=', m.repositoryId).execute();
      });
    },

    /** Index manifests in the repository that still reference an artifact. */
    parentsOf: (artifactId: number) =>
      db.selectFrom('artifact_references').innerJoin('artifacts', 'artifacts.id', 'artifact_references.parent_id')
        .select(['artifacts.id', 'artifacts.digest']).where('artifact_references.child_id', '=', artifactId).execute(),

    /** Referrers (accessories) of a digest in a repository. */
    referrers: (repositoryId: number, digest: string) =>
      db.selectFrom('artifacts').selectAll().where('repository_id', '=', repositoryId).where('subject_digest', '=', digest)
        .orderBy('id').execute(),

    deleteArtifact: (artifactId: number) =>
      db.transaction().execute(async (tx) => {
        const children = await tx.selectFrom('artifact_references').select('child_id').where('parent_id', '=', artifactId).execute();
        await tx.deleteFrom('artifact_references').where('parent_id', '=', artifactId).execute();
        await tx.deleteFrom('artifacts').where('id', '=', artifactId).execute();
        await refreshTopLevel(tx, children.map((c) => c.child_id));
      }),

    deleteTag: (repositoryId: number, tag: string) =>
      db.transaction().execute(async (tx) => {
        const row = await tx.deleteFrom('tags').where('repository_id', '=', repositoryId).where('name', '=', tag)
          .returning('artifact_id').executeTakeFirst();
        if (row) await refreshTopLevel(tx, [row.artifact_id]);
        return row !== undefined;
      }),

    listTags: (repositoryId: number, n: number, last?: string) => {
      let q = db.selectFrom('tags').select('name').where('repository_id', '=', repositoryId);
      if (last !== undefined) q = q.where('name', '>', last);
      return q.orderBy('name').limit(n).execute().then((rows) => rows.map((r) => r.name));
    },

    /** Repository names with at least one artifact, in byte order, after `last`. */
    listRepositories: (n: number, last?: string) => {
      let q = db.selectFrom('repositories').select('name')
        .where(({ exists, selectFrom }) => exists(selectFrom('artifacts').select(sql`1`.as('one')).whereRef('artifacts.repository_id', '=', 'repositories.id')));
      if (last !== undefined) q = q.where('name', '>', last);
      return q.orderBy('name').limit(n).execute().then((rows) => rows.map((r) => r.name));
    },

    recordPulls: async (pulls: { artifactId: number; repositoryId: number; tag: string | null; count: number; time: string }[]) => {
      if (pulls.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (const p of pulls) {
          await tx.updateTable('artifacts').set({ pull_time: p.time }).where('id', '=', p.artifactId).execute();
          await tx.updateTable('repositories').set((eb) => ({ pull_count: eb('pull_count', '+', p.count) }))
            .where('id', '=', p.repositoryId).execute();
          if (p.tag) {
            await tx.updateTable('tags').set({ pull_time: p.time })
              .where('repository_id', '=', p.repositoryId).where('name', '=', p.tag).execute();
          }
        }
      });
    },
  };
}

export type RegistryStore = ReturnType<typeof createRegistryStore>;
