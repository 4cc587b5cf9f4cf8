// What one Antrag becomes for one destination: the attachments with the ids announced at creation and their
// hashes, the data, and the metadata document that names schema, hashes, payment and reply channel.
import { safeFileName } from '../transfer/filenames';
import { DeliveryError, type AntragPackage } from '../transfer/types';
import { METADATA_SCHEMA, type DestinationInfo, type FitConnectTarget, type PlannedAttachment } from './contract';
import { fitConnectAttachmentId, sha512Hex } from './crypto';

export type SubmissionSchema = DestinationInfo['services'][number]['submissionSchemas'][number];

/**
 * The destination's schema for the target, or why it cannot take the submission. `requireActive` is false when
 * resuming: an inactive destination refuses new submissions but still lets started ones finish.
 */
export function acceptedSchema(
  destination: DestinationInfo,
  target: FitConnectTarget,
  requireActive: boolean,
): SubmissionSchema {
  if (requireActive && destination.status !== 'active') {
    throw new DeliveryError(
      'destination-inactive',
      `FIT-Connect destination ${target.destinationId} is ${destination.status}, not active`,
      { retryable: false },
    );
  }
  const service = destination.services.find((s) => s.identifier === target.serviceIdentifier);
  if (!service) {
    throw new DeliveryError('not-accepted', `Destination does not offer service ${target.serviceIdentifier}`, {
      retryable: false,
    });
  }
  const schema = service.submissionSchemas.find((s) => s.schemaUri === target.schemaUri);
  if (!schema) {
    throw new DeliveryError('not-accepted', `Destination does not accept schema ${target.schemaUri}`, {
      retryable: false,
    });
  }
  return schema;
}

/** The PDF first, then the attachments, each with a safe file name and a stable id. */
export function planAttachments(pkg: AntragPackage): PlannedAttachment[] {
  const pdf: PlannedAttachment = {
    attachmentId: fitConnectAttachmentId(pkg.vorgangsnummer, 'antrag'),
    localId: 'antrag',
    purpose: 'form',
    filename: 'antrag.pdf',
    mimeType: 'application/pdf',
    description: `Antrag ${pkg.vorgangsnummer}`,
    content: pkg.pdf,
    sha512: sha512Hex(pkg.pdf),
  };
  return [
    pdf,
    ...pkg.attachments.map((a): PlannedAttachment => ({
      attachmentId: fitConnectAttachmentId(pkg.vorgangsnummer, `anlage:${a.id}`),
      localId: a.id,
      purpose: 'attachment',
      filename: safeFileName(a.fileName, { mediaType: a.mediaType, fallback: 'anlage' }),
      mimeType: a.mediaType,
      description: safeFileName(a.fileName, { mediaType: a.mediaType, fallback: 'anlage' }),
      content: a.content,
      sha512: sha512Hex(a.content),
    })),
  ];
}

export function buildMetadata(
  pkg: AntragPackage,
  target: FitConnectTarget,
  schema: SubmissionSchema,
  attachments: readonly PlannedAttachment[],
  data: Uint8Array,
): Record<string, unknown> {
  return {
    $schema: METADATA_SCHEMA,
    contentStructure: {
      data: {
        submissionSchema: { schemaUri: schema.schemaUri, mimeType: schema.mimeType },
        hash: { type: 'sha512', content: sha512Hex(data) },
      },
      attachments: attachments.map((a) => ({
        attachmentId: a.attachmentId,
        purpose: a.purpose,
        filename: a.filename,
        mimeType: a.mimeType,
        description: a.description,
        hash: { type: 'sha512', content: a.sha512 },
      })),
    },
    publicServiceType: {
      identifier: target.serviceIdentifier,
      ...(target.serviceName ? { name: target.serviceName } : {}),
    },
    additionalReferenceInfo: {
      senderReference: pkg.vorgangsnummer,
      applicationDate: pkg.submittedAt.slice(0, 10),
    },
    ...(target.paymentInformation ? { paymentInformation: target.paymentInformation } : {}),
    ...(target.replyChannel ? { replyChannel: target.replyChannel } : {}),
  };
}
