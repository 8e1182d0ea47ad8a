import { v2Adapter } from './docker-registry.ts';
import { nameAndTag, standardPattern, type AdapterType } from './adapter.ts';

const regions = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eu-north-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-south-1', 'sa-east-1',
];

/**
 * `aws-ecr`: Amazon ECR, one endpoint per region. The credential is an access key and secret; until the AWS SDK's
 * GetAuthorizationToken is wired, the ping sends them to the registry's v2 flow as given (an `AWS` user and a token).
 */
export const awsEcr: AdapterType = {
  type: 'aws-ecr',
  info: { description: 'Registry adapter for Amazon Elastic Container Registry', supported_resource_filters: nameAndTag, supported_triggers: ['manual', 'scheduled'], supported_copy_by_chunk: false },
  pattern: { ...standardPattern, endpoint_pattern: { endpoint_type: 'EndpointPatternTypeList', endpoints: regions.map((r) => ({ key: r, value: `https://api.ecr.${r}.amazonaws.com` })) } },
  create: (endpoint) => v2Adapter(endpoint),
};
